/** Listings for `isokit ls`: which entries, their JSON form and the `ls -l` style text. */
import type { TreeNode } from '../../model/index.js';
import { formatDate, isoDate } from './date.js';
import { modeString } from './mode.js';

export interface ListedEntry {
  readonly node: TreeNode;
  /** path relative to the listed PATH ('/'-joined); for a listed file, its name */
  readonly path: string;
}

/**
 * Entries to show for `node` (found at image path PATH): a file lists itself; a directory lists its
 * children, or everything below it with `recursive` (parents before children, paths relative to PATH).
 */
export function listEntries(node: TreeNode, opts: { recursive?: boolean } = {}): ListedEntry[] {
  if (node.kind !== 'dir') return [{ node, path: node.name || '/' }];
  const out: ListedEntry[] = [];
  const visit = (dir: TreeNode, prefix: string) => {
    for (const k of dir.children ?? []) {
      const path = prefix ? `${prefix}/${k.name}` : k.name;
      out.push({ node: k, path });
      if (opts.recursive && k.kind === 'dir') visit(k, path);
    }
  };
  visit(node, '');
  return out;
}

/** The JSON form of one listed entry (stable field names; dates as ISO 8601 strings). */
export function entryJson(e: ListedEntry): Record<string, unknown> {
  const n = e.node;
  return {
    path: e.path,
    name: n.name,
    type: n.kind,
    mode: n.mode,
    modeString: modeString(n.kind, n.mode),
    nlink: n.nlink,
    uid: n.uid,
    gid: n.gid,
    size: n.size,
    mtime: isoDate(n.mtimeMs),
    atime: isoDate(n.atimeMs),
    ctime: isoDate(n.ctimeMs),
    target: n.symlinkTarget,
    device: n.device,
    ino: n.ino,
    linkGroup: n.linkGroup,
    hidden: n.hidden || undefined,
    zisofs: n.zisofs,
    extents: n.extents,
  };
}

/** Names are printed with control characters escaped so one entry is one line. */
export function displayName(s: string): string {
  return s.replace(/[\x00-\x1f\x7f\\]/g, (c) => (c === '\\' ? '\\\\' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** `ls -l` style lines: mode, links, uid, gid, size (or major, minor), mtime (UTC), name [-> target]. */
export function formatLong(entries: readonly ListedEntry[]): string[] {
  const rows = entries.map(({ node: n, path }) => [
    modeString(n.kind, n.mode),
    n.nlink !== undefined ? String(n.nlink) : '-',
    n.uid !== undefined ? String(n.uid) : '-',
    n.gid !== undefined ? String(n.gid) : '-',
    n.device ? `${n.device.major}, ${n.device.minor}` : String(n.size),
    formatDate(n.mtimeMs),
    displayName(path) + (n.kind === 'symlink' ? ` -> ${displayName(n.symlinkTarget ?? '')}` : ''),
  ]);
  const widths = [0, 0, 0, 0, 0];
  for (const r of rows) for (let i = 0; i < 5; i++) widths[i] = Math.max(widths[i] as number, (r[i] as string).length);
  return rows.map((r) => [
    r[0],
    (r[1] as string).padStart(widths[1] as number),
    (r[2] as string).padEnd(widths[2] as number),
    (r[3] as string).padEnd(widths[3] as number),
    (r[4] as string).padStart(widths[4] as number),
    r[5],
    r[6],
  ].join(' '));
}

/** Short form: one name per line, directories with a trailing slash. */
export function formatShort(entries: readonly ListedEntry[]): string[] {
  return entries.map(({ node, path }) => displayName(path) + (node.kind === 'dir' ? '/' : ''));
}
