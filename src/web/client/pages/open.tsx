/**
 * Open an image: its info (the `info --json` object), its tree per namespace (Rock Ridge / Joliet / ISO 9660 /
 * UDF), a text preview, downloads, extraction of the chosen files or of everything, hashes, verification
 * against checksum files and keyrings, and the structural check.
 */
import { useMemo, useState } from 'preact/hooks';
import { get, post, rawUrl, startJob } from '../api.js';
import { PathChooser, TreeBrowser, type TreeEntry, type TreeSource } from '../browser.js';
import { CheckField, ErrorBox, JobPanel, TextField, formatBytes, plural, toError, useAction } from '../components.js';
import { InfoView, NamespaceTabs, Preview, type ImageInfo, type PreviewData } from '../image-views.js';

interface Opened { id: string; path: string; info: ImageInfo; namespaces: string[]; namespace: string }

function ToolsSection({ path }: { path: string }) {
  const [algorithms, setAlgorithms] = useState({ md5: false, sha1: false, sha256: true, sha512: false });
  const [hashJob, setHashJob] = useState<string | undefined>();
  const [sums, setSums] = useState<string | undefined>();
  const [keyring, setKeyring] = useState<string | undefined>();
  const [expect, setExpect] = useState('');
  const [verifyJob, setVerifyJob] = useState<string | undefined>();
  const [checkJob, setCheckJob] = useState<string | undefined>();
  const [error, run] = useAction();
  const chosen = Object.entries(algorithms).filter(([, on]) => on).map(([a]) => a);
  return (
    <section class="tools" aria-labelledby="tools-h">
      <h2 id="tools-h">Check the image</h2>
      <ErrorBox error={error} />
      <fieldset>
        <legend>Hash</legend>
        {(Object.keys(algorithms) as (keyof typeof algorithms)[]).map((a) => (
          <CheckField key={a} id={`hash-${a}`} label={a.toUpperCase()} checked={algorithms[a]} onChange={(on) => setAlgorithms({ ...algorithms, [a]: on })} />
        ))}
        <button type="button" disabled={!chosen.length} onClick={() => void run(async () => setHashJob(await startJob('/api/hash', { path, algorithms: chosen.join(',') })))}>Compute</button>
        <JobPanel id={hashJob} title="Hashing" done={(r) => (
          <dl class="facts digests">{Object.entries((r as { digests: Record<string, string> }).digests).map(([a, d]) => [<dt key={`k${a}`}>{a.toUpperCase()}</dt>, <dd key={`v${a}`} class="mono digest" data-algo={a}>{d}</dd>])}</dl>
        )} />
      </fieldset>
      <fieldset>
        <legend>Verify</legend>
        <p class="hint">Without a checksum file, the ones beside the image are used (SHA256SUMS, *.sha256, …, with their .gpg/.sig/.asc signatures).</p>
        <PathChooser id="verify-sums" label="Checksum file (optional)" value={sums} mode="file" onChange={setSums} />
        <PathChooser id="verify-keyring" label="Keyring: the publisher's public key (optional)" value={keyring} mode="file" onChange={setKeyring} />
        <TextField id="verify-expect" label="Or a digest to compare with (optional)" value={expect} onInput={setExpect} />
        <button type="button" onClick={() => void run(async () => setVerifyJob(await startJob('/api/verify', { path, sums, keyring: keyring ? [keyring] : [], expect: expect.trim() || undefined })))}>Verify</button>
        <JobPanel id={verifyJob} title="Verifying" done={(r) => {
          const v = r as { status: string; message: string };
          return <p class={`verdict ${v.status}`} role="status" data-status={v.status}><strong>{v.status}</strong>: {v.message}</p>;
        }} />
      </fieldset>
      <fieldset>
        <legend>Structure</legend>
        <button type="button" onClick={() => void run(async () => setCheckJob(await startJob('/api/check', { path })))}>Check the structure</button>
        <JobPanel id={checkJob} title="Checking" done={(r) => {
          const c = r as { ok: boolean; errors: number; warnings: number; files: number; directories: number; findings: { severity: string; message: string; structure?: string }[] };
          return (
            <div role="status" data-ok={String(c.ok)}>
              <p><strong>{c.ok ? 'No errors' : `${c.errors} errors`}</strong>, {c.warnings} warnings; {c.directories} folders, {c.files} files.</p>
              <ul>{c.findings.map((f, i) => <li key={i} class={f.severity}>{f.severity}: {f.structure ? `${f.structure}: ` : ''}{f.message}</li>)}</ul>
            </div>
          );
        }} />
      </fieldset>
    </section>
  );
}

function ExtractSection({ image, ns, selected }: { image: Opened; ns: string; selected: ReadonlySet<string> }) {
  const [dest, setDest] = useState<string | undefined>();
  const [overwrite, setOverwrite] = useState(false);
  const [job, setJob] = useState<string | undefined>();
  const [error, run] = useAction();
  const extract = (paths: string[]) => run(async () => setJob(await startJob('/api/image/extract', { id: image.id, ns, paths, dest, overwrite })));
  return (
    <section class="extract" aria-labelledby="extract-h">
      <h2 id="extract-h">Extract</h2>
      <PathChooser id="extract-dest" label="Into folder" value={dest} mode="folder" onChange={setDest} />
      <CheckField id="extract-overwrite" label="Replace existing files" checked={overwrite} onChange={setOverwrite} />
      <div class="row">
        <button type="button" disabled={!dest || !selected.size} onClick={() => void extract([...selected])}>Extract the {selected.size} chosen</button>
        <button type="button" disabled={!dest} onClick={() => void extract([])}>Extract everything</button>
      </div>
      <ErrorBox error={error} />
      <JobPanel id={job} title="Extracting" done={(r) => {
        const s = r as { files: number; dirs: number; symlinks: number; bytes: number; failed: unknown[]; skipped: unknown[] };
        return <p role="status">Extracted {plural(s.files, 'file')}, {plural(s.dirs, 'folder')}, {plural(s.symlinks, 'link')} ({formatBytes(s.bytes)}){s.skipped.length ? `; ${s.skipped.length} skipped` : ''}{s.failed.length ? `; ${s.failed.length} could not be read` : ''}.</p>;
      }} />
    </section>
  );
}

export function OpenPage() {
  const [image, setImage] = useState<Opened | undefined>();
  const [ns, setNs] = useState('rockridge');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [preview, setPreview] = useState<PreviewData | undefined>();
  const [error, run] = useAction();
  const open = (p: string) => run(async () => {
    setImage(undefined);
    setPreview(undefined);
    setSelected(new Set());
    const o = await post<Opened>('/api/image/open', { path: p });
    setImage(o);
    setNs(o.namespace);
  });
  const source: TreeSource | undefined = useMemo(() => image && {
    list: async (dir: string) => (await get<{ entries: TreeEntry[] }>('/api/image/ls', { id: image.id, ns, path: dir })).entries,
  }, [image?.id, ns]);
  const showFile = async (p: string, e: TreeEntry) => {
    if (!image) return;
    setPreview({ path: p, entry: e, downloadUrl: rawUrl(image.id, ns, p) });
    if (e.type !== 'file') return;
    try {
      const d = await get<{ text?: string; binary?: boolean; truncated: boolean }>('/api/image/preview', { id: image.id, ns, path: p });
      setPreview({ path: p, entry: e, downloadUrl: rawUrl(image.id, ns, p), ...d });
    } catch (err) {
      setPreview({ path: p, entry: e, error: toError(err) });
    }
  };
  return (
    <div class="page">
      <h1 tabIndex={-1}>Open an image</h1>
      <PathChooser id="open-image" label="Image file" value={image?.path} mode="file" onChange={(p) => void open(p)} />
      <ErrorBox error={error} />
      {image ? (
        <div class="open-grid">
          <InfoView info={image.info} />
          <section class="files" aria-labelledby="files-h">
            <h2 id="files-h">Files</h2>
            <NamespaceTabs name="namespace" namespaces={image.namespaces} value={ns} onChange={(n) => { setNs(n); setSelected(new Set()); setPreview(undefined); }} />
            {source ? (
              <TreeBrowser
                source={source}
                version={`${image.id}:${ns}`}
                selected={selected}
                onSelect={(p, on) => { const s = new Set(selected); if (on) s.add(p); else s.delete(p); setSelected(s); }}
                onFile={(p, e) => void showFile(p, e)}
              />
            ) : null}
            <Preview data={preview} />
          </section>
          <ExtractSection image={image} ns={ns} selected={selected} />
          <ToolsSection path={image.path} />
        </div>
      ) : null}
    </div>
  );
}

