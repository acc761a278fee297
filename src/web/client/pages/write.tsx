/**
 * Write a stick, in balenaEtcher's three steps plus a review: the image (what it is, its checksum files), the
 * sticks (from the drive list; or a disk-image file), the review (`writeImage` dry run: integrity checked, each
 * target checked, nothing written) with the confirmation typed by name, then writing and verification per stick.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, post, startJob } from '../api.js';
import { PathChooser } from '../browser.js';
import { CheckField, ErrorBox, Facts, JobPanel, Step, TextField, formatBytes, useAction, useJob } from '../components.js';

interface Inspection { kind: string; decision: string; message: string; volumeId?: string; udf?: boolean }
interface Inspected { path: string; byteLength: number; inspection: Inspection; referenceFiles: string[] }
interface Drive { path: string; name: string; byteLength: number; vendor?: string; model?: string; serial?: string; bus: string; removable: boolean; readOnly: boolean; mountpoints: string[]; explanation: string }
interface Target { kind: 'device' | 'file'; path: string; byteLength?: number; model?: string; serial?: string }
interface Plan { inspection: Inspection; integrity: { status: string; blocking: boolean; message: string }; targets: { path: string; description: string; confirmName: string }[]; needsRoot: boolean }
interface TargetResult { path: string; ok: boolean; phase: string; verified?: boolean; verifyMethod?: string; error?: { message: string }; notes: string[]; direct: boolean }

export const KIND_LABEL: Record<string, string> = {
  'hybrid-iso': 'Hybrid ISO — boots from a USB stick as it is',
  'eltorito-only-iso': 'Windows-style install media — boots from a DVD only as it is',
  'data-iso': 'Plain data ISO — will not boot',
  'disk-image': 'Disk image — copied as it is',
  unknown: 'Unknown data — copied as it is',
};

function ImageStep({ image, onImage, windowsStick }: { image: Inspected | undefined; onImage: (i: Inspected | undefined) => void; windowsStick: boolean }) {
  const [error, run] = useAction();
  const choose = (p: string) => run(async () => {
    onImage(undefined);
    onImage(await post<Inspected>('/api/image/inspect', { path: p }));
  });
  return (
    <Step n={1} title="Image">
      <PathChooser id="write-image" label="Image file" value={image?.path} mode="file" onChange={(p) => void choose(p)} filter={(n) => /\.(iso|img|raw|bin|gz|xz|zst|bz2)$/i.test(n)} />
      <ErrorBox error={error} />
      {image ? (
        <Facts rows={[
          ['Kind', <span class={`kind ${image.inspection.kind}`} data-kind={image.inspection.kind}>{KIND_LABEL[image.inspection.kind] ?? image.inspection.kind}</span>],
          ['What isokit will do', image.inspection.message],
          ['Windows stick', image.inspection.kind === 'eltorito-only-iso'
            ? (!windowsStick ? 'this build of isokit cannot make a Windows USB stick yet (it needs the Windows stick mode of write)'
              : image.inspection.udf ? 'if its UDF tree is Windows install media, isokit builds a bootable GPT + FAT32 stick from these files (UEFI boot)'
              : 'no UDF file system, so not Windows install media: isokit cannot build a Windows stick from it')
            : undefined],
          ['Size', `${formatBytes(image.byteLength)} (${image.byteLength.toLocaleString('en')} bytes)`],
          ['Volume', image.inspection.volumeId],
          ['Checksum files', image.referenceFiles.length ? `${image.referenceFiles.join(', ')} — checked in the review` : 'none beside the image: its integrity cannot be checked'],
        ]} />
      ) : null}
    </Step>
  );
}

function TargetStep({ targets, onTargets }: { targets: Target[]; onTargets: (t: Target[]) => void }) {
  const [drives, setDrives] = useState<Drive[] | undefined>();
  const [error, run] = useAction();
  const [fileDir, setFileDir] = useState<string | undefined>();
  const [fileName, setFileName] = useState('stick.img');
  const refresh = () => run(async () => setDrives((await get<{ drives: Drive[] }>('/api/drives')).drives));
  useEffect(() => void refresh(), []);
  const toggle = (d: Drive, on: boolean) =>
    onTargets(on ? [...targets, { kind: 'device', path: d.path, byteLength: d.byteLength, ...(d.model ? { model: d.model } : {}), ...(d.serial ? { serial: d.serial } : {}) }] : targets.filter((t) => t.path !== d.path));
  const fileTarget = targets.find((t) => t.kind === 'file');
  return (
    <Step n={2} title="Sticks">
      <div class="row">
        <button type="button" onClick={() => void refresh()}>Refresh the list</button>
        <span class="hint">Disks that hold your system are never listed.</span>
      </div>
      <ErrorBox error={error} />
      {drives && !drives.length ? <p class="empty">No sticks found. Plug one in and refresh the list.</p> : null}
      <ul class="drives">
        {drives?.map((d) => (
          <li key={d.path}>
            <input type="checkbox" id={`drive-${d.name}`} checked={targets.some((t) => t.path === d.path)} onChange={(e) => toggle(d, (e.target as HTMLInputElement).checked)} />
            <label for={`drive-${d.name}`}>
              <strong>{[d.vendor, d.model].filter(Boolean).join(' ') || d.name}</strong> <span class="mono">{d.path}</span> · {formatBytes(d.byteLength)} · {d.bus}
              {d.removable ? ' · removable' : ''}{d.mountpoints.length ? ` · mounted on ${d.mountpoints.join(', ')}` : ''}
              <span class="hint">{d.explanation}</span>
            </label>
          </li>
        ))}
      </ul>
      <details class="file-target">
        <summary>Write to a disk-image file instead</summary>
        <PathChooser id="write-file-dir" label="Folder" value={fileDir} mode="folder" onChange={setFileDir} />
        <TextField id="write-file-name" label="File name" value={fileName} onInput={setFileName} />
        <button type="button" disabled={!fileDir || !fileName} onClick={() => fileDir && onTargets([...targets.filter((t) => t.kind !== 'file'), { kind: 'file', path: `${fileDir.replace(/\/$/, '')}/${fileName}` }])}>
          Add this file as a target
        </button>
        {fileTarget ? <p>File target: <span class="mono">{fileTarget.path}</span> <button type="button" onClick={() => onTargets(targets.filter((t) => t.kind !== 'file'))}>Remove</button></p> : null}
      </details>
    </Step>
  );
}

function Summary({ result }: { result: unknown }) {
  const s = result as { ok: boolean; imageByteLength: number; targets: TargetResult[]; durationMs: number };
  return (
    <div class={s.ok ? 'ok' : 'failed'} role="status">
      <p><strong>{s.ok ? 'Done: every target was written and verified.' : 'Some targets failed.'}</strong> {formatBytes(s.imageByteLength)} in {(s.durationMs / 1000).toFixed(1)} s.</p>
      <ul>
        {s.targets.map((t) => (
          <li key={t.path} data-target={t.path} data-ok={String(t.ok)}>
            <span class="mono">{t.path}</span>: {t.ok ? `written${t.direct ? ' (direct I/O)' : ''}, ${t.verified ? `verified (${t.verifyMethod === 'compare' ? 'byte by byte' : 'SHA-256 per MiB'})` : 'not verified'}` : `FAILED while ${t.phase}: ${t.error?.message ?? ''}`}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function WritePage({ windowsStick }: { windowsStick: boolean }) {
  const [image, setImage] = useState<Inspected | undefined>();
  const [targets, setTargets] = useState<Target[]>([]);
  const [planJob, setPlanJob] = useState<string | undefined>();
  const [confirm, setConfirm] = useState('');
  const [verify, setVerify] = useState(true);
  const [writeJob, setWriteJob] = useState<string | undefined>();
  const [error, run] = useAction();
  const plan = useJob(planJob);
  const planned = plan?.state === 'done' ? (plan.result as Plan) : undefined;
  useEffect(() => {
    setPlanJob(undefined);
    setWriteJob(undefined);
    setConfirm('');
  }, [image?.path, targets.map((t) => t.path).join(' ')]);
  const review = () => run(async () => setPlanJob(await startJob('/api/write/plan', { image: image?.path, targets })));
  const write = () => run(async () => setWriteJob(await startJob('/api/write/start', { image: image?.path, targets, confirm, verify })));
  const names = planned?.targets.map((t) => t.confirmName).join(' ') ?? '';
  return (
    <div class="page">
      <h1 tabIndex={-1}>Write a stick</h1>
      <ImageStep image={image} onImage={setImage} windowsStick={windowsStick} />
      <TargetStep targets={targets} onTargets={setTargets} />
      <Step n={3} title="Review and confirm" active={!!image && targets.length > 0}>
        <button type="button" class="primary" onClick={() => void review()}>Check image and targets</button>
        <ErrorBox error={error} />
        <JobPanel id={planJob} title="Checks before writing" done={() => null} />
        {planned ? (
          <div class="review">
            <Facts rows={[['Image', planned.inspection.message], ['Checksum', planned.integrity.message]]} />
            {planned.needsRoot ? <p class="warn">Writing these sticks needs administrator rights: the system will ask for your password when writing starts.</p> : null}
            <p class="danger">Everything on {planned.targets.length > 1 ? 'these targets' : 'this target'} will be erased:</p>
            <ul>{planned.targets.map((t) => <li key={t.path}>{t.description}</li>)}</ul>
            <TextField id="write-confirm" label={`Type ${names} to confirm`} value={confirm} onInput={setConfirm} />
            <CheckField id="write-verify" label="Verify after writing (read back and compare)" checked={verify} onChange={setVerify} />
            <button type="button" class="primary danger" disabled={confirm.trim().split(/\s+/).sort().join(' ') !== names.split(' ').sort().join(' ')} onClick={() => void write()}>
              Write
            </button>
          </div>
        ) : null}
      </Step>
      <Step n={4} title="Writing and verification" active={!!writeJob}>
        <JobPanel id={writeJob} title="Writing" done={(r) => <Summary result={r} />} />
      </Step>
    </div>
  );
}
