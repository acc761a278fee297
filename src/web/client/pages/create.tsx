/**
 * Create an image: folders, a label, optional boot settings and UDF, the exact size before writing, then the
 * image written and verified (structure, files read back, SHA-256).
 */
import { useState } from 'preact/hooks';
import { post, startJob } from '../api.js';
import { PathChooser } from '../browser.js';
import { CheckField, ErrorBox, Facts, JobPanel, SelectField, Step, TextField, foldersInside, formatBytes, plural, useAction } from '../components.js';

interface Plan { byteLength: number; blockCount: number; files: number; directories: number; findings: string[] }
interface Created {
  output: string; byteLength: number; files: number; directories: number;
  verification: { ok: boolean; structure: { ok: boolean; errors: number; warnings: number }; readBack: { files: number; directories: number; countsMatch: boolean }; sha256: string };
}

function Result({ r }: { r: Created }) {
  const v = r.verification;
  return (
    <div class={v.ok ? 'ok' : 'failed'} role="status">
      <p><strong>{v.ok ? 'Created and verified.' : 'Created, but the verification found problems.'}</strong></p>
      <Facts rows={[
        ['Image', <span class="mono">{r.output}</span>],
        ['Size', `${formatBytes(r.byteLength)} (${r.byteLength.toLocaleString('en')} bytes)`],
        ['Structure', v.structure.ok ? `no errors (${v.structure.warnings} warnings)` : `${v.structure.errors} errors`],
        ['Read back', `${plural(v.readBack.files, 'file')}, ${foldersInside(v.readBack.directories)}${v.readBack.countsMatch ? ' — as planned' : ' — NOT as planned'}`],
        ['SHA-256', <span class="mono digest">{v.sha256}</span>],
      ]} />
    </div>
  );
}

export function CreatePage({ udfAvailable }: { udfAvailable: boolean }) {
  const [sources, setSources] = useState<string[]>([]);
  const [label, setLabel] = useState('');
  const [joliet, setJoliet] = useState(true);
  const [rockRidge, setRockRidge] = useState(true);
  const [isoLevel, setIsoLevel] = useState<'1' | '2' | '3' | '4'>('3');
  const [udf, setUdf] = useState(false);
  const [bootBios, setBootBios] = useState('');
  const [bootInfoTable, setBootInfoTable] = useState(true);
  const [bootEfi, setBootEfi] = useState('');
  const [hybridMbr, setHybridMbr] = useState<string | undefined>();
  const [gpt, setGpt] = useState(false);
  const [outDir, setOutDir] = useState<string | undefined>();
  const [outName, setOutName] = useState('image.iso');
  const [plan, setPlan] = useState<Plan | undefined>();
  const [job, setJob] = useState<string | undefined>();
  const [error, run] = useAction();
  const request = () => ({
    sources, label: label || undefined, joliet, rockRidge, isoLevel: Number(isoLevel), udf,
    bootBios: bootBios || undefined, bootInfoTable, bootEfi: bootEfi || undefined, hybridMbr, gpt,
  });
  const changed = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setPlan(undefined);
  };
  const measure = () => run(async () => setPlan(await post<Plan>('/api/create/plan', request())));
  const create = () => run(async () => setJob(await startJob('/api/create/start', { ...request(), output: `${(outDir ?? '').replace(/\/$/, '')}/${outName}` })));
  return (
    <div class="page">
      <h1 tabIndex={-1}>Create an image</h1>
      <Step n={1} title="Contents">
        <p class="hint">The contents of each folder go to the top of the image.</p>
        <ul class="sources">
          {sources.map((s) => (
            <li key={s}><span class="mono">{s}</span> <button type="button" aria-label={`Remove ${s}`} onClick={() => changed(setSources)(sources.filter((x) => x !== s))}>Remove</button></li>
          ))}
        </ul>
        <PathChooser id="create-add" label="Add a folder" value={undefined} mode="folder" onChange={(p) => !sources.includes(p) && changed(setSources)([...sources, p])} />
        <TextField id="create-label" label="Label (volume name)" value={label} maxLength={32} onInput={changed(setLabel)} hint="Up to 32 characters; shown by file managers. Empty: the first folder's name." />
      </Step>
      <Step n={2} title="Options">
        <CheckField id="create-rr" label="Rock Ridge (Linux/macOS names, permissions, links)" checked={rockRidge} onChange={changed(setRockRidge)} />
        <CheckField id="create-joliet" label="Joliet (Windows names)" checked={joliet} onChange={changed(setJoliet)} />
        <SelectField id="create-level" label="ISO 9660 level" value={isoLevel} onChange={changed(setIsoLevel)} options={[['1', '1 — 8.3 names'], ['2', '2 — 31-character names'], ['3', '3 — also files over 4 GiB (default)'], ['4', '4 — ISO 9660:1999, long names']]} />
        <CheckField id="create-udf" label="UDF" checked={udf} disabled={!udfAvailable} onChange={changed(setUdf)} hint={udfAvailable ? undefined : 'Not available in this build of isokit (no UDF writer yet).'} />
        <details class="boot">
          <summary>Boot options</summary>
          <TextField id="create-bios" label="BIOS boot image (path in the image)" value={bootBios} placeholder="isolinux/isolinux.bin" onInput={changed(setBootBios)} />
          <CheckField id="create-bit" label="Boot info table (ISOLINUX, GRUB)" checked={bootInfoTable} onChange={changed(setBootInfoTable)} />
          <TextField id="create-efi" label="UEFI boot image (a FAT image, path in the image)" value={bootEfi} placeholder="images/efiboot.img" onInput={changed(setBootEfi)} />
          <PathChooser id="create-mbr" label="Hybrid MBR for USB sticks (isohdpfx.bin)" value={hybridMbr} mode="file" onChange={changed(setHybridMbr)} />
          <CheckField id="create-gpt" label="GPT (for UEFI boot from a stick)" checked={gpt} onChange={changed(setGpt)} />
        </details>
      </Step>
      <Step n={3} title="Size and output" active={sources.length > 0}>
        <button type="button" onClick={() => void measure()}>Calculate the exact size</button>
        {plan ? (
          <p class="size" role="status" data-bytes={plan.byteLength}>
            The image will be <strong>{formatBytes(plan.byteLength)}</strong> ({plan.byteLength.toLocaleString('en')} bytes): {plural(plan.files, 'file')}, {foldersInside(plan.directories)}.
          </p>
        ) : null}
        {plan?.findings.length ? <ul class="messages">{plan.findings.map((f, i) => <li key={i} class="warn">{f}</li>)}</ul> : null}
        <PathChooser id="create-out" label="Save in folder" value={outDir} mode="folder" onChange={setOutDir} />
        <TextField id="create-name" label="File name" value={outName} onInput={setOutName} />
        <button type="button" class="primary" disabled={!outDir || !outName || !plan} onClick={() => void create()}>Create</button>
        <ErrorBox error={error} />
      </Step>
      <Step n={4} title="Writing and verification" active={!!job}>
        <JobPanel id={job} title="Creating" done={(r) => <Result r={r as Created} />} />
      </Step>
    </div>
  );
}
