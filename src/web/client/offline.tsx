/**
 * The browser-only page (dist/web/offline.html): no server, nothing uploaded. Open a local ISO of any size
 * (the File is read lazily through `blobSource`), browse it per namespace, preview and download files; verify
 * it against a SHA-256 or a checksum file (+ signature and keyring) in a worker; build an ISO from dropped
 * files and folders and save it without holding it in memory.
 */
import { render } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { planImage, type ImageLayout } from '../../create/index.js';
import { blobSource, type BlobSource } from '../../io/blob-source.js';
import { findNode, type Namespace, type TreeNode } from '../../model/index.js';
import { openImage } from '../../read/open-image.js';
import type { IsoImage } from '../../read/types.js';
import { entryJson, imageNamespaces, infoJson, jsonReplacer, listEntries, previewContent } from '../../read/views/index.js';
import type { ApiErrorBody } from './api.js';
import { TreeBrowser, type TreeEntry, type TreeSource } from './browser.js';
import { ErrorBox, Facts, TextField, foldersInside, formatBytes, plural, toError } from './components.js';
import { InfoView, NamespaceTabs, Preview, type ImageInfo, type PreviewData } from './image-views.js';
import { composeImageBlob, downloadBlob, fileBlob, filesOfDrop, filesOfFolderInput, inWorker, treeFromFiles, writeImageTo, type PickedFile, type SaveHandleLike } from './offline-io.js';

interface Opened { file: File; source: BlobSource; image: IsoImage; info: ImageInfo; namespaces: Namespace[] }

/** A progress line for work done in the page (no job server here). */
function Progress({ label, bytes, total }: { label: string; bytes: number; total: number }) {
  return (
    <div class="bar">
      <div class="bar-label">{label}</div>
      <progress aria-label={label} max={total || 1} value={bytes} />
      <div class="bar-figures" aria-live="polite">{formatBytes(bytes)} of {formatBytes(total)}</div>
    </div>
  );
}

const plain = <T,>(v: unknown): T => JSON.parse(JSON.stringify(v, jsonReplacer)) as T;

function OpenSection({ opened, onOpen }: { opened: Opened | undefined; onOpen: (o: Opened | undefined) => void }) {
  const [ns, setNs] = useState<Namespace>('rockridge');
  const [preview, setPreview] = useState<PreviewData | undefined>();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState<ApiErrorBody | undefined>();
  const open = async (file: File | undefined) => {
    setError(undefined);
    setPreview(undefined);
    setSelected(new Set());
    onOpen(undefined);
    if (!file) return;
    try {
      const source = blobSource(file, file.name);
      const image = await openImage(source);
      setNs(image.namespace);
      onOpen({ file, source, image, info: plain<ImageInfo>(infoJson(image, file.name)), namespaces: imageNamespaces(image) });
    } catch (e) {
      setError(toError(e));
    }
  };
  const treeOf = async (): Promise<TreeNode> => {
    if (!opened) throw new Error('no image');
    return ns === opened.image.namespace ? opened.image.tree : opened.image.openTree(ns);
  };
  const source: TreeSource | undefined = useMemo(() => opened && {
    list: async (dir: string) => {
      const node = findNode(await treeOf(), dir);
      if (!node) throw new Error(`${dir} is not in this image`);
      return plain<TreeEntry[]>(listEntries(node).map(entryJson));
    },
  }, [opened, ns]);
  const save = async (p: string) => {
    const node = opened && findNode(await treeOf(), p);
    if (!opened || !node?.content) return;
    downloadBlob(await fileBlob(node.content, opened.file, opened.source), node.name);
  };
  const showFile = async (p: string, e: TreeEntry) => {
    const base: PreviewData = { path: p, entry: e, download: () => void save(p).catch((err: unknown) => setError(toError(err))) };
    setPreview(base);
    try {
      const node = findNode(await treeOf(), p);
      if (!node?.content || e.type !== 'file') return;
      setPreview({ ...base, ...(await previewContent(node.content)) });
    } catch (err) {
      setPreview({ ...base, error: toError(err) });
    }
  };
  const downloadChosen = async () => {
    for (const p of selected) await save(p);
  };
  return (
    <section class="card" aria-labelledby="o-open">
      <h2 id="o-open">Open an ISO</h2>
      <div class="field">
        <label for="offline-iso">Image file (read where it is: nothing is uploaded or copied)</label>
        <input id="offline-iso" type="file" accept=".iso,.img,.bin,application/x-iso9660-image" onChange={(e) => void open((e.target as HTMLInputElement).files?.[0])} />
      </div>
      <ErrorBox error={error} />
      {opened ? (
        <div class="open-grid">
          <InfoView info={opened.info} />
          <section class="files" aria-labelledby="o-files">
            <h3 id="o-files">Files</h3>
            <NamespaceTabs name="offline-ns" namespaces={opened.namespaces} value={ns} onChange={(n) => { setNs(n as Namespace); setSelected(new Set()); setPreview(undefined); }} />
            {source ? (
              <TreeBrowser source={source} version={`${opened.file.name}:${opened.file.size}:${ns}`} selected={selected}
                onSelect={(p, on) => { const s = new Set(selected); if (on) s.add(p); else s.delete(p); setSelected(s); }}
                onFile={(p, e) => void showFile(p, e)} />
            ) : null}
            <button type="button" disabled={!selected.size} onClick={() => void downloadChosen().catch((err: unknown) => setError(toError(err)))}>Download the {selected.size} chosen files</button>
            <Preview data={preview} />
          </section>
        </div>
      ) : null}
    </section>
  );
}

async function named(f: File | undefined): Promise<{ name: string; bytes: Uint8Array } | undefined> {
  return f ? { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) } : undefined;
}

function VerifySection({ opened }: { opened: Opened | undefined }) {
  const [expect, setExpect] = useState('');
  const [sums, setSums] = useState<File | undefined>();
  const [sig, setSig] = useState<File | undefined>();
  const [keyring, setKeyring] = useState<File | undefined>();
  const [progress, setProgress] = useState<{ bytes: number; total: number } | undefined>();
  const [result, setResult] = useState<{ status: string; message: string; digests?: Record<string, string> } | undefined>();
  const [error, setError] = useState<ApiErrorBody | undefined>();
  const run = async (kind: 'hash' | 'verify') => {
    if (!opened) return;
    setError(undefined);
    setResult(undefined);
    const total = opened.file.size;
    setProgress({ bytes: 0, total });
    try {
      const onProgress = (bytes: number) => setProgress({ bytes, total });
      if (kind === 'hash') {
        const r = (await inWorker({ kind: 'hash', file: opened.file, algorithms: ['sha256'] }, onProgress)) as { digests: Record<string, string> };
        setResult({ status: 'computed', message: 'SHA-256 of the image', digests: r.digests });
      } else {
        const s = await named(sums);
        const g = await named(sig);
        const k = await named(keyring);
        const r = (await inWorker({
          kind: 'verify', file: opened.file, expect: expect.trim() || undefined,
          checksumFiles: s ? [{ ...s, signatures: g ? [g] : [] }] : [], keyring: k ? [k] : [],
        }, onProgress)) as { status: string; message: string; digests: Record<string, string> };
        setResult(r);
      }
    } catch (e) {
      setError(toError(e));
    } finally {
      setProgress(undefined);
    }
  };
  const fileField = (id: string, label: string, set: (f: File | undefined) => void) => (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type="file" onChange={(e) => set((e.target as HTMLInputElement).files?.[0])} />
    </div>
  );
  return (
    <section class="card" aria-labelledby="o-verify">
      <h2 id="o-verify">Verify the ISO</h2>
      {!opened ? <p class="hint">Open an ISO above first.</p> : (
        <>
          <TextField id="offline-expect" label="Expected SHA-256 (or another digest), from the download page" value={expect} onInput={setExpect} />
          {fileField('offline-sums', 'Or a checksum file (SHA256SUMS, *.sha256, …)', setSums)}
          {fileField('offline-sig', 'Its signature (.gpg, .sig, .asc; optional)', setSig)}
          {fileField('offline-keyring', "The publisher's public key (optional)", setKeyring)}
          <div class="row">
            <button type="button" class="primary" disabled={!expect.trim() && !sums} onClick={() => void run('verify')}>Verify</button>
            <button type="button" onClick={() => void run('hash')}>Only compute SHA-256</button>
          </div>
        </>
      )}
      {progress ? <Progress label="Hashing" bytes={progress.bytes} total={progress.total} /> : null}
      <ErrorBox error={error} />
      {result ? (
        <div role="status" class={`verdict ${result.status}`} data-status={result.status}>
          <p><strong>{result.status}</strong>: {result.message}</p>
          {result.digests ? <Facts rows={Object.entries(result.digests).map(([a, d]) => [a.toUpperCase(), <span class="mono digest" data-algo={a}>{d}</span>] as const)} /> : null}
        </div>
      ) : null}
    </section>
  );
}

declare global {
  interface Window { showSaveFilePicker?: (o: { suggestedName?: string; types?: unknown[] }) => Promise<SaveHandleLike> }
}

function BuildSection() {
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [emptyDirs, setEmptyDirs] = useState<string[]>([]);
  const [label, setLabel] = useState('');
  const [name, setName] = useState('image.iso');
  const [over, setOver] = useState(false);
  const [progress, setProgress] = useState<{ bytes: number; total: number } | undefined>();
  const [saved, setSaved] = useState<string | undefined>();
  const [error, setError] = useState<ApiErrorBody | undefined>();
  const layout: ImageLayout | { error: ApiErrorBody } | undefined = useMemo(() => {
    if (!files.length && !emptyDirs.length) return undefined;
    try {
      return planImage(treeFromFiles(files, emptyDirs), { ...(label ? { volumeId: label } : {}), dateMs: Date.now() });
    } catch (e) {
      return { error: toError(e) };
    }
  }, [files, emptyDirs, label]);
  const add = (more: PickedFile[], dirs: string[] = []) => {
    setSaved(undefined);
    setFiles([...files, ...more]);
    setEmptyDirs([...emptyDirs, ...dirs]);
  };
  const plan = layout && 'byteLength' in layout ? layout : undefined;
  const guard = async (f: () => Promise<void>) => {
    setError(undefined);
    setSaved(undefined);
    try {
      await f();
    } catch (e) {
      if ((e as Error)?.name !== 'AbortError') setError(toError(e));
    } finally {
      setProgress(undefined);
    }
  };
  const saveStream = () => guard(async () => {
    if (!plan || !window.showSaveFilePicker) return;
    const handle = await window.showSaveFilePicker({ suggestedName: name, types: [{ description: 'ISO image', accept: { 'application/x-iso9660-image': ['.iso'] } }] });
    setProgress({ bytes: 0, total: plan.byteLength });
    await writeImageTo(plan, await handle.createWritable(), (bytes) => setProgress({ bytes, total: plan.byteLength }));
    setSaved(`Saved ${formatBytes(plan.byteLength)} as ${handle.name ?? name} (written as a stream).`);
  });
  const download = () => guard(async () => {
    if (!plan) return;
    const blob = await composeImageBlob(plan);
    downloadBlob(blob, name);
    setSaved(`Downloading ${formatBytes(blob.size)} as ${name} (composed from your files, not copied in memory).`);
  });
  return (
    <section class="card" aria-labelledby="o-build">
      <h2 id="o-build">Build an ISO</h2>
      <div
        class={`drop${over ? ' over' : ''}`}
        role="region"
        aria-label="Drop files and folders here"
        onDragOver={(e) => { e.preventDefault(); setOver(true); }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          if (e.dataTransfer) void filesOfDrop(e.dataTransfer).then((r) => add(r.files, r.emptyDirs), (err: unknown) => setError(toError(err)));
        }}
      >
        <p>Drop files and folders here, or choose them:</p>
        <div class="row">
          <input id="offline-folder" class="visually-hidden" type="file" {...{ webkitdirectory: true }} multiple onChange={(e) => add(filesOfFolderInput((e.target as HTMLInputElement).files as FileList))} />
          <label class="button" for="offline-folder">Choose a folder…</label>
          <input id="offline-files" class="visually-hidden" type="file" multiple onChange={(e) => add([...((e.target as HTMLInputElement).files ?? [])].map((f) => ({ path: f.name, file: f })))} />
          <label class="button" for="offline-files">Choose files…</label>
          <button type="button" disabled={!files.length && !emptyDirs.length} onClick={() => { setFiles([]); setEmptyDirs([]); setSaved(undefined); }}>Start over</button>
        </div>
      </div>
      {files.length ? (
        <details class="picked">
          <summary>{files.length} files</summary>
          <ul>{files.slice(0, 200).map((f) => <li key={f.path} class="mono">{f.path}</li>)}</ul>
        </details>
      ) : null}
      <TextField id="offline-label" label="Label (volume name)" value={label} maxLength={32} onInput={setLabel} />
      <TextField id="offline-name" label="File name" value={name} onInput={setName} />
      {layout && 'error' in layout ? <ErrorBox error={layout.error} /> : null}
      {plan ? <p class="size" role="status" data-bytes={plan.byteLength}>The image will be <strong>{formatBytes(plan.byteLength)}</strong> ({plan.byteLength.toLocaleString('en')} bytes): {plural(plan.stats.files, 'file')}, {foldersInside(plan.stats.directories)}.</p> : null}
      <div class="row">
        {window.showSaveFilePicker ? <button type="button" class="primary" disabled={!plan} onClick={() => void saveStream()}>Save…</button> : null}
        <button type="button" class={window.showSaveFilePicker ? '' : 'primary'} disabled={!plan} onClick={() => void download()}>Download</button>
      </div>
      {progress ? <Progress label="Saving" bytes={progress.bytes} total={progress.total} /> : null}
      <ErrorBox error={error} />
      {saved ? <p role="status" class="ok">{saved}</p> : null}
    </section>
  );
}

function OfflinePage() {
  const [opened, setOpened] = useState<Opened | undefined>();
  return (
    <div class="shell">
      <header class="top">
        <span class="brand">isokit</span>
        <span class="subtitle">in your browser — nothing leaves this computer</span>
      </header>
      <main id="main" class="page offline">
        <h1 tabIndex={-1}>Open, verify and build ISO images</h1>
        <OpenSection opened={opened} onOpen={setOpened} />
        <VerifySection opened={opened} />
        <BuildSection />
      </main>
    </div>
  );
}

render(<OfflinePage />, document.getElementById('app') as HTMLElement);
