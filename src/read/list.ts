/**
 * The listing engine behind `isokit ls` (and any listing view): the streaming walk in listing mode into the one
 * row renderer (views/rows.ts). Rows are added and visited in walk order.
 *
 * Where the namespace's reader can give rows itself (the ISO 9660 reader, `rowSource`) and the rows take them
 * (`RecordRows`: LongRows, ShortRows), the walk (traverse.ts depthFirst) goes over rows, not nodes: each record becomes a
 * row in typed arrays, its Rock Ridge name copied as bytes, with no node, path string or walk entry per file
 * (about 3× less work for `ls -R -l` of 100,000 files). Else the walk hands lean nodes to `addNode`.
 */
import { depthFirst, lookUpPath, readerError, walkReader, type DepthFirstSource } from './traverse.js';
import type { RecordRows, RowSink } from './views/rows.js';
import type { WalkOptions } from './walk.js';
import type { DirectoryReader } from './namespace.js';
import type { IsoImage } from './types.js';
import type { TreeNode } from '../model/index.js';

export type ListOptions = Pick<WalkOptions, 'path' | 'recursive' | 'namespace' | 'signal'>;

/** A reader that gives a listing's rows straight from its records (iso9660/reader.ts). */
interface RowReader extends DirectoryReader {
  rowSource(start: TreeNode, rows: RecordRows): DepthFirstSource<number, number>;
}

const isRowReader = (r: DirectoryReader): r is RowReader => typeof (r as Partial<RowReader>).rowSource === 'function';
const isRecordRows = (r: RowSink): r is RecordRows => typeof (r as Partial<RecordRows>).addRecord === 'function';

/**
 * Add the rows of the entries below `opts.path` to `rows`, in walk order; yields after each batch (a short
 * listing can be printed as it goes). Throws NOT_FOUND (before any row) when the path does not exist.
 */
export async function* listImage(image: IsoImage, rows: RowSink, opts: ListOptions = {}): AsyncGenerator<void, void, undefined> {
  const ns = opts.namespace ?? image.namespace;
  const walk = { recursive: opts.recursive ?? true, ...(opts.signal ? { signal: opts.signal } : {}) };
  try {
    const reader = await image.reader(ns);
    const start = await lookUpPath(reader, opts.path ?? '/', { lean: true });
    if (start.kind === 'dir' && isRowReader(reader) && isRecordRows(rows)) {
      for await (const _ of depthFirst(reader.rowSource(start, rows), -1, 0, (row) => rows.visit(row), walk)) yield;
      return;
    }
    for await (const batch of walkReader(reader, start, { ...walk, lean: true })) {
      for (const e of batch) {
        rows.addNode(e.node, e.dirPath, e.depth === 0 ? e.path : e.node.name);
        rows.visit(rows.rowCount - 1);
      }
      yield;
    }
  } catch (e) {
    throw readerError(e, `the ${ns} tree`);
  }
}
