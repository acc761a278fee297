/**
 * Browsing: the server-side file browser (the page never sees real paths through `<input type=file>`, and
 * uploading a multi-GB file to a server on the same machine would only copy it) and the tree of an image,
 * shared by the local app and the browser-only page.
 */
import { useEffect, useState } from 'preact/hooks';
import { get } from './api.js';
import { ErrorBox, formatBytes, toError } from './components.js';
import type { ApiErrorBody } from './api.js';

interface FsEntry { name: string; kind: 'dir' | 'file' | 'other'; size: number; mtime: string }
interface FsListing { path: string; parent?: string; entries: FsEntry[] }

const join = (dir: string, name: string) => (dir.endsWith('/') ? dir + name : `${dir}/${name}`);

/**
 * Choose a file or a folder inside the folders the server allows. `mode: 'file'` picks a file (folders are
 * entered), `'folder'` picks the folder shown.
 */
export function FileBrowser({ id, mode, onPick, pickLabel, filter }: { id: string; mode: 'file' | 'folder'; onPick: (path: string) => void; pickLabel?: string; filter?: (name: string) => boolean }) {
  const [roots, setRoots] = useState<string[]>([]);
  const [listing, setListing] = useState<FsListing | undefined>();
  const [error, setError] = useState<ApiErrorBody | undefined>();
  const open = async (p?: string) => {
    setError(undefined);
    try {
      if (p === undefined) {
        setRoots((await get<{ roots: string[] }>('/api/fs/list')).roots);
        setListing(undefined);
      } else setListing(await get<FsListing>('/api/fs/list', { path: p }));
    } catch (e) {
      setError(toError(e));
    }
  };
  useEffect(() => void open(), []);
  const entries = listing?.entries.filter((e) => e.kind === 'dir' || (mode === 'file' && e.kind === 'file' && (!filter || filter(e.name)))) ?? [];
  return (
    <div class="browser" id={id} role="group" aria-label={mode === 'file' ? 'Choose a file' : 'Choose a folder'}>
      <div class="browser-bar">
        <button type="button" onClick={() => void open()}>Places</button>
        {listing?.parent ? <button type="button" onClick={() => void open(listing.parent)}>Up</button> : null}
        <span class="path" aria-live="polite">{listing?.path ?? 'Allowed folders'}</span>
        {mode === 'folder' && listing ? <button type="button" class="primary" onClick={() => onPick(listing.path)}>{pickLabel ?? 'Use this folder'}</button> : null}
      </div>
      <ErrorBox error={error} />
      <ul class="entries">
        {listing === undefined
          ? roots.map((r) => (
              <li key={r}><button type="button" class="entry dir" aria-label={`Folder ${r}`} onClick={() => void open(r)}>{r}</button></li>
            ))
          : entries.map((e) => (
              <li key={e.name}>
                <button
                  type="button"
                  class={`entry ${e.kind}`}
                  onClick={() => (e.kind === 'dir' ? void open(join(listing.path, e.name)) : onPick(join(listing.path, e.name)))}
                  aria-label={e.kind === 'dir' ? `Folder ${e.name}` : `File ${e.name}, ${formatBytes(e.size)}`}
                >
                  <span class="name">{e.name}{e.kind === 'dir' ? '/' : ''}</span>
                  {e.kind === 'file' ? <span class="size">{formatBytes(e.size)}</span> : <span class="kind">folder</span>}
                </button>
              </li>
            ))}
        {listing && !entries.length ? <li class="empty">{mode === 'file' ? 'No files here' : 'No folders here'}</li> : null}
      </ul>
    </div>
  );
}

/** A chosen path with a button that opens a browser to change it. */
export function PathChooser({ id, label, value, mode, onChange, filter }: { id: string; label: string; value: string | undefined; mode: 'file' | 'folder'; onChange: (p: string) => void; filter?: (name: string) => boolean }) {
  const [browsing, setBrowsing] = useState(false);
  return (
    <div class="field chooser">
      <span class="label" id={`${id}-label`}>{label}</span>
      <div class="chosen">
        <output id={`${id}-value`} aria-labelledby={`${id}-label`}>{value ?? 'nothing chosen'}</output>
        <button type="button" aria-expanded={browsing} aria-controls={`${id}-browser`} onClick={() => setBrowsing(!browsing)}>
          {browsing ? 'Close' : value ? 'Change…' : 'Choose…'}
        </button>
      </div>
      {browsing ? (
        <FileBrowser id={`${id}-browser`} mode={mode} filter={filter} onPick={(p) => { setBrowsing(false); onChange(p); }} />
      ) : null}
    </div>
  );
}

/** One row of an image listing: the `ls --json` entry. */
export interface TreeEntry { path: string; name: string; type: string; size: number; modeString: string; mtime?: string; target?: string }

export interface TreeSource {
  list(path: string): Promise<TreeEntry[]>;
}

const parentOf = (p: string) => (p === '/' ? '/' : p.replace(/\/[^/]+\/?$/, '') || '/');
const childPath = (dir: string, name: string) => (dir === '/' ? `/${name}` : `${dir}/${name}`);

/**
 * A namespace's tree, one folder at a time: click a folder to enter it, a file to preview it; check entries
 * to extract them.
 */
export function TreeBrowser({ source, onFile, selected, onSelect, version }: {
  source: TreeSource;
  onFile: (path: string, entry: TreeEntry) => void;
  selected: ReadonlySet<string>;
  onSelect: (path: string, on: boolean) => void;
  /** changes when the namespace changes: back to the root */
  version: string;
}) {
  const [dir, setDir] = useState('/');
  const [entries, setEntries] = useState<TreeEntry[]>([]);
  const [error, setError] = useState<ApiErrorBody | undefined>();
  useEffect(() => setDir('/'), [version]);
  useEffect(() => {
    setError(undefined);
    source.list(dir).then(setEntries, (e: unknown) => {
      setEntries([]);
      setError(toError(e));
    });
  }, [dir, version]);
  const crumbs = dir === '/' ? [] : dir.split('/').filter(Boolean);
  return (
    <div class="tree">
      <nav class="crumbs" aria-label="Folder in the image">
        <button type="button" onClick={() => setDir('/')}>/</button>
        {crumbs.map((c, i) => (
          <button key={i} type="button" onClick={() => setDir('/' + crumbs.slice(0, i + 1).join('/'))}>{c}</button>
        ))}
      </nav>
      <ErrorBox error={error} />
      <table class="listing">
        <thead>
          <tr><th scope="col"><span class="sr">Select</span></th><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Mode</th><th scope="col">Modified</th></tr>
        </thead>
        <tbody>
          {dir !== '/' ? (
            <tr><td /><td><button type="button" class="entry dir" onClick={() => setDir(parentOf(dir))}>..</button></td><td /><td /><td /></tr>
          ) : null}
          {entries.map((e) => {
            const p = childPath(dir, e.name);
            return (
              <tr key={p}>
                <td><input type="checkbox" aria-label={`Select ${e.name}`} checked={selected.has(p)} onChange={(ev) => onSelect(p, (ev.target as HTMLInputElement).checked)} /></td>
                <td>
                  <button type="button" class={`entry ${e.type}`} onClick={() => (e.type === 'dir' ? setDir(p) : onFile(p, e))}>
                    {e.name}{e.type === 'dir' ? '/' : ''}{e.type === 'symlink' && e.target ? ` → ${e.target}` : ''}
                  </button>
                </td>
                <td class="num">{e.type === 'file' ? formatBytes(e.size) : ''}</td>
                <td class="mono">{e.modeString}</td>
                <td class="mono">{e.mtime ? e.mtime.slice(0, 19).replace('T', ' ') : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
