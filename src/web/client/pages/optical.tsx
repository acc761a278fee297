/**
 * Burn a disc (drive and medium shown, the safe speed preselected, blanking when needed, verification) and rip
 * a disc to an image (with the bad-sector summary). Both call the library's optical functions through the
 * server; a build without them says so.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, startJob, type ApiErrorBody } from '../api.js';
import { PathChooser } from '../browser.js';
import { CheckField, ErrorBox, Facts, JobPanel, SelectField, Step, TextField, formatBytes, toError, useAction } from '../components.js';

interface OpticalDrive {
  path: string; vendor?: string; model?: string; canWrite: boolean; error?: string;
  medium?: { current: string; statusText: string; capacityBytes?: number; freeBytes?: number };
  writeSpeeds: { text?: string }[];
}

function DriveList({ drives, chosen, onChoose }: { drives: OpticalDrive[]; chosen: string | undefined; onChoose: (p: string) => void }) {
  if (!drives.length) return <p class="empty">No optical drive found.</p>;
  return (
    <ul class="drives" role="radiogroup" aria-label="Drive">
      {drives.map((d) => (
        <li key={d.path}>
          <input type="radio" name="optical-drive" id={`od-${d.path}`} checked={chosen === d.path} onChange={() => onChoose(d.path)} />
          <label for={`od-${d.path}`}>
            <strong>{[d.vendor, d.model].filter(Boolean).join(' ') || d.path}</strong> <span class="mono">{d.path}</span>
            {d.medium ? ` · ${d.medium.current}, ${d.medium.statusText}${d.medium.freeBytes !== undefined ? `, ${formatBytes(d.medium.freeBytes)} free` : ''}` : ` · ${d.error ?? 'no medium'}`}
          </label>
        </li>
      ))}
    </ul>
  );
}

function useOpticalDrives(): [OpticalDrive[] | undefined, ApiErrorBody | undefined, () => void] {
  const [drives, setDrives] = useState<OpticalDrive[] | undefined>();
  const [error, setError] = useState<ApiErrorBody | undefined>();
  const refresh = () => {
    setError(undefined);
    get<{ drives: OpticalDrive[] }>('/api/optical/drives').then((r) => setDrives(r.drives), (e: unknown) => setError(toError(e)));
  };
  useEffect(refresh, []);
  return [drives, error, refresh];
}

export function BurnPage() {
  const [drives, drivesError, refresh] = useOpticalDrives();
  const [image, setImage] = useState<string | undefined>();
  const [drive, setDrive] = useState<string | undefined>();
  const [pseudo, setPseudo] = useState('');
  const [speed, setSpeed] = useState<'safe' | 'min' | 'max'>('safe');
  const [blank, setBlank] = useState<'as-needed' | 'fast' | 'full'>('as-needed');
  const [verify, setVerify] = useState(true);
  const [confirm, setConfirm] = useState('');
  const [job, setJob] = useState<string | undefined>();
  const [error, run] = useAction();
  const address = pseudo.trim() ? `stdio:${pseudo.trim()}` : drive;
  const name = address ? address.replace(/^stdio:/, '').split('/').pop() ?? '' : '';
  const burn = () => run(async () => setJob(await startJob('/api/burn/start', { image, drive: address, speed, blank, verify, confirm })));
  return (
    <div class="page">
      <h1 tabIndex={-1}>Burn a disc</h1>
      <Step n={1} title="Image">
        <PathChooser id="burn-image" label="Image file" value={image} mode="file" onChange={setImage} />
      </Step>
      <Step n={2} title="Drive">
        <button type="button" onClick={refresh}>Refresh the list</button>
        <ErrorBox error={drivesError} />
        {drives ? <DriveList drives={drives} chosen={drive} onChoose={setDrive} /> : null}
        <TextField id="burn-pseudo" label="Or a file as a pseudo-drive (full path; burns through libburn into that file)" value={pseudo} onInput={setPseudo} placeholder="/home/me/disc.img" />
        <SelectField id="burn-speed" label="Speed" value={speed} onChange={setSpeed} options={[['safe', 'Safe (recommended)'], ['min', 'Slowest'], ['max', 'Fastest']]} />
        <SelectField id="burn-blank" label="Blank rewritable discs" value={blank} onChange={setBlank} options={[['as-needed', 'When needed'], ['fast', 'Always, fast'], ['full', 'Always, fully']]} />
        <CheckField id="burn-verify" label="Verify after burning" checked={verify} onChange={setVerify} />
      </Step>
      <Step n={3} title="Burn" active={!!image && !!address}>
        <TextField id="burn-confirm" label={`Type ${name} to confirm`} value={confirm} onInput={setConfirm} />
        <button type="button" class="primary danger" disabled={confirm.trim() !== name} onClick={() => void burn()}>Burn</button>
        <ErrorBox error={error} />
        <JobPanel id={job} title="Burning" done={(r) => {
          const s = r as { ok: boolean; write: { bytes: number; ms: number }; verification?: { ok?: boolean; message?: string }; speed: { requested: string; reason: string }; notes: string[] };
          return (
            <div role="status" class={s.ok ? 'ok' : 'failed'}>
              <p><strong>{s.ok ? 'Burned and verified.' : 'The burn did not complete.'}</strong></p>
              <Facts rows={[['Written', `${formatBytes(s.write.bytes)} in ${(s.write.ms / 1000).toFixed(1)} s`], ['Speed', `${s.speed.requested} (${s.speed.reason})`], ['Verification', s.verification?.message ?? 'not verified']]} />
            </div>
          );
        }} />
      </Step>
    </div>
  );
}

export function RipPage() {
  const [drives, drivesError, refresh] = useOpticalDrives();
  const [drive, setDrive] = useState<string | undefined>();
  const [file, setFile] = useState<string | undefined>();
  const [outDir, setOutDir] = useState<string | undefined>();
  const [outName, setOutName] = useState('disc.iso');
  const [sums, setSums] = useState<string | undefined>();
  const [job, setJob] = useState<string | undefined>();
  const [error, run] = useAction();
  const source = drive ?? file;
  const rip = () => run(async () => setJob(await startJob('/api/rip/start', { source, output: `${(outDir ?? '').replace(/\/$/, '')}/${outName}`, sums })));
  return (
    <div class="page">
      <h1 tabIndex={-1}>Rip a disc</h1>
      <Step n={1} title="Disc">
        <button type="button" onClick={refresh}>Refresh the list</button>
        <ErrorBox error={drivesError} />
        {drives ? <DriveList drives={drives} chosen={drive} onChoose={(p) => { setDrive(p); setFile(undefined); }} /> : null}
        <PathChooser id="rip-file" label="Or an image or device file to copy" value={file} mode="file" onChange={(p) => { setFile(p); setDrive(undefined); }} />
      </Step>
      <Step n={2} title="Image to write">
        <PathChooser id="rip-out" label="Save in folder" value={outDir} mode="folder" onChange={setOutDir} />
        <TextField id="rip-name" label="File name" value={outName} onInput={setOutName} />
        <PathChooser id="rip-sums" label="Checksum file to verify against (optional)" value={sums} mode="file" onChange={setSums} />
        <button type="button" class="primary" disabled={!source || !outDir || !outName} onClick={() => void rip()}>Rip</button>
        <ErrorBox error={error} />
      </Step>
      <Step n={3} title="Reading" active={!!job}>
        <JobPanel id={job} title="Ripping" done={(r) => {
          const s = r as { complete: boolean; output: string; byteLength: number; missingBlocks: number; firstMissingBlocks: number[]; readErrors: number; map: string; verification?: { status: string; message: string } };
          return (
            <div role="status" class={s.complete ? 'ok' : 'failed'}>
              <p><strong>{s.complete ? 'Every block was read.' : `${s.missingBlocks} blocks could not be read (filled with zeros).`}</strong></p>
              <Facts rows={[
                ['Image', <span class="mono">{s.output}</span>], ['Size', formatBytes(s.byteLength)], ['Read errors', String(s.readErrors)],
                ['Unreadable blocks', s.missingBlocks ? `${s.missingBlocks} (first: ${s.firstMissingBlocks.slice(0, 10).join(', ')})` : 'none'],
                ['Map', <span class="mono">{s.map}</span>], ['Verification', s.verification ? `${s.verification.status}: ${s.verification.message}` : undefined],
              ]} />
            </div>
          );
        }} />
      </Step>
    </div>
  );
}
