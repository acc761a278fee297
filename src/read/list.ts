/**
 * The listing engine behind `isokit ls` (and any listing view): the streaming walk in listing mode (lean nodes,
 * not kept) into the one row renderer (views/rows.ts). Rows are added and visited in walk order.
 */
import type { RowSink } from './views/rows.js';
import { walkImageBatches, type WalkOptions } from './walk.js';
import type { IsoImage } from './types.js';

export type ListOptions = Pick<WalkOptions, 'path' | 'recursive' | 'namespace' | 'signal'>;

/**
 * Add the rows of the entries below `opts.path` to `rows`, in walk order; yields after each batch (a short
 * listing can be printed as it goes). Throws NOT_FOUND (before any row) when the path does not exist.
 */
export async function* listImage(image: IsoImage, rows: RowSink, opts: ListOptions = {}): AsyncGenerator<void, void, undefined> {
  for await (const batch of walkImageBatches(image, { ...opts, lean: true })) {
    for (const e of batch) {
      rows.addNode(e.node, e.dirPath, e.depth === 0 ? e.path : e.node.name);
      rows.visit(rows.rowCount - 1);
    }
    yield;
  }
}
