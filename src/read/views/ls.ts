/** Listings for `isokit ls`: which entries, their JSON form and the `ls -l` style text. */
import { walkTree, type TreeNode } from '../../model/index.js';
import { concatBytes } from '../../bytes/index.js';
import { isoDate } from './date.js';
import { modeString } from './mode.js';
import { LongRows, ShortRows } from './rows.js';

export { displayName } from './names.js';

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
  for (const e of walkTree(node)) if (e.depth > 0 && (opts.recursive || e.depth === 1)) out.push({ node: e.node, path: e.path });
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

/** Rows of `entries`, visited in order (each entry's whole path as its name). */
function rowsOf<R extends LongRows | ShortRows>(rows: R, entries: readonly ListedEntry[]): R {
  entries.forEach((e, i) => {
    rows.addNode(e.node, '', e.path);
    rows.visit(i);
  });
  return rows;
}

const linesOf = (chunks: Iterable<Uint8Array>): string[] => {
  const text = new TextDecoder().decode(concatBytes([...chunks]));
  return text ? text.slice(0, -1).split('\n') : [];
};

/** `ls -l` style lines: mode, links, uid, gid, size (or major, minor), mtime (UTC), name [-> target]. */
export function formatLong(entries: readonly ListedEntry[]): string[] {
  return linesOf(rowsOf(new LongRows(), entries).chunks());
}

/** Short form: one name per line, directories with a trailing slash. */
export function formatShort(entries: readonly ListedEntry[]): string[] {
  return linesOf(rowsOf(new ShortRows(), entries).take(true));
}
