/**
 * `--dedup`: find files with identical contents so the plan stores them once. Planning stays cheap: files are
 * bucketed by size first (no I/O), and only files sharing a size with another file are read — hashed with
 * the caller's `hash` (node passes a SHA-256 that reads files directly) or, by default, compared byte by
 * byte against each distinct content already seen in the bucket. Hard links are not involved (they always
 * share). The result feeds `BuildOptions.contentKeys`.
 */
import { throwIfAborted } from '../../io/index.js';
import { walkTree, type Content, type TreeNode } from '../../model/index.js';

export interface DedupOptions {
  /** content hash (hex or any string key); identical strings mean identical contents */
  hash?: (content: Content, node: TreeNode) => Promise<string>;
  signal?: AbortSignal;
  /** files smaller than this are not considered (default 1: every non-empty file) */
  minByteLength?: number;
}

export interface DedupReport {
  /** node → content key; nodes with the same key have identical contents */
  contentKeys: Map<TreeNode, string>;
  /** files that were read (candidates: another file has the same size) */
  filesRead: number;
  bytesRead: number;
  /** files that will not be stored again */
  duplicateFiles: number;
  savedBytes: number;
}

async function sameBytes(a: Content, b: Content, signal?: AbortSignal): Promise<boolean> {
  const ia = a.stream(signal ? { signal } : {})[Symbol.asyncIterator]();
  const ib = b.stream(signal ? { signal } : {})[Symbol.asyncIterator]();
  let ca: Uint8Array = new Uint8Array(0), cb: Uint8Array = new Uint8Array(0);
  try {
    while (true) {
      if (!ca.length) {
        const r = await ia.next();
        ca = r.done ? new Uint8Array(0) : r.value;
        if (r.done) return !cb.length && (await ib.next()).done === true;
      }
      if (!cb.length) {
        const r = await ib.next();
        if (r.done) return false;
        cb = r.value;
      }
      const n = Math.min(ca.length, cb.length);
      for (let i = 0; i < n; i++) if (ca[i] !== cb[i]) return false;
      ca = ca.subarray(n);
      cb = cb.subarray(n);
    }
  } finally {
    await ia.return?.();
    await ib.return?.();
  }
}

export async function findDuplicateContents(root: TreeNode, opts: DedupOptions = {}): Promise<DedupReport> {
  const min = Math.max(1, opts.minByteLength ?? 1);
  const bySize = new Map<number, TreeNode[]>();
  const linkRep = new Map<string, TreeNode>();
  const linkMembers: [TreeNode, TreeNode][] = [];
  for (const { node } of walkTree(root)) {
    if (node.kind !== 'file' || !node.content || node.content.byteLength < min) continue;
    if (node.linkGroup !== undefined) {
      const rep = linkRep.get(node.linkGroup);
      if (rep) {
        linkMembers.push([node, rep]);
        continue;
      }
      linkRep.set(node.linkGroup, node);
    }
    const list = bySize.get(node.content.byteLength);
    if (list) list.push(node);
    else bySize.set(node.content.byteLength, [node]);
  }
  const report: DedupReport = { contentKeys: new Map(), filesRead: 0, bytesRead: 0, duplicateFiles: 0, savedBytes: 0 };
  let nextKey = 0;
  for (const [size, nodes] of bySize) {
    if (nodes.length < 2) continue;
    const seen = new Map<string, TreeNode>();
    const reps: { node: TreeNode; key: string }[] = [];
    for (const node of nodes) {
      throwIfAborted(opts.signal);
      const content = node.content as Content;
      let key: string | undefined;
      if (opts.hash) {
        key = `${size}:${await opts.hash(content, node)}`;
        report.filesRead++;
        report.bytesRead += size;
        if (!seen.has(key)) seen.set(key, node);
        else {
          report.duplicateFiles++;
          report.savedBytes += size;
        }
      } else {
        for (const r of reps) {
          report.bytesRead += 2 * size;
          if (await sameBytes(r.node.content as Content, content, opts.signal)) {
            key = r.key;
            break;
          }
        }
        report.filesRead++;
        if (key === undefined) reps.push({ node, key: (key = `c${nextKey++}`) });
        else {
          report.duplicateFiles++;
          report.savedBytes += size;
        }
      }
      report.contentKeys.set(node, key);
    }
  }
  for (const [node, rep] of linkMembers) {
    const key = report.contentKeys.get(rep);
    if (key !== undefined) report.contentKeys.set(node, key);
  }
  return report;
}
