/**
 * One file's bytes into the output chunks while the volume is emitted: exactly `byteLength` bytes, whatever the
 * source does. A source that grew is cut, one that shrank or vanished is padded with zeros, and the caller is
 * told why (libisofs filesrc.c does the same). Used by every region that stores file data (ISO 9660 / UDF file
 * data, FAT volumes).
 * Contents that offer positional reads (node files: `openReader`) are read straight into the chunk; small ones
 * in one `readOnce` call that asks for one byte more than planned, so growth shows without a stat.
 */
import type { Content } from '../../model/index.js';
import type { ChunkWriter } from '../engine/index.js';
import { hasReader, type ReadableContent } from '../engine/index.js';

export interface ContentOutcome {
  /** bytes of the source that went out (the rest up to the plan was zeros) */
  readonly copied: number;
  /** why the source no longer matches the plan */
  readonly problem?: string;
  readonly actualByteLength?: number;
}

/** readOnce fast path: the whole file in one read into the current chunk (`want` < the chunk's free space). */
function copyOnce(content: ReadableContent & { readOnce: NonNullable<ReadableContent['readOnce']> }, want: number, out: ChunkWriter): ContentOutcome {
  const got = content.readOnce(out.space().subarray(0, want + 1));
  const copied = Math.min(got ?? 0, want);
  out.advance(copied);
  if (got === undefined) return { copied, problem: 'it was removed' };
  if (got > want) return { copied, problem: 'it became longer' };
  if (got < want) return { copied, problem: 'it became shorter', actualByteLength: got };
  return { copied };
}

async function* copyByReader(content: ReadableContent, want: number, out: ChunkWriter, signal?: AbortSignal): AsyncGenerator<Uint8Array, ContentOutcome, undefined> {
  const reader = content.openReader(signal ? { signal } : {});
  let copied = 0;
  let outcome: ContentOutcome | undefined;
  try {
    while (copied < want) {
      if (out.isFull) yield out.take() as Uint8Array;
      const space = out.space();
      const r = reader.read(space, 0, Math.min(space.length, want - copied), copied);
      const got = typeof r === 'number' ? r : await r;
      if (got <= 0) {
        outcome = { copied, problem: 'it became shorter', actualByteLength: copied };
        break;
      }
      out.advance(got);
      copied += got;
    }
  } finally {
    const changed = reader.close();
    if (changed && !outcome) outcome = { copied, problem: changed };
  }
  return outcome ?? { copied };
}

async function* copyByStream(content: Content, want: number, out: ChunkWriter, signal?: AbortSignal): AsyncGenerator<Uint8Array, ContentOutcome, undefined> {
  let copied = 0;
  for await (const chunk of content.stream({ ...(signal ? { signal } : {}), chunkSize: 1 << 20 })) {
    const use = Math.min(chunk.length, want - copied);
    yield* out.put(use === chunk.length ? chunk : chunk.subarray(0, use));
    copied += use;
    if (use < chunk.length) return { copied, problem: 'it became longer', actualByteLength: copied - use + chunk.length };
    if (copied === want) break;
  }
  return copied < want ? { copied, problem: 'it became shorter', actualByteLength: copied } : { copied };
}

/** Copy `content` into `out` as exactly `want` bytes (zeros after a short source); returns what happened. */
export async function* copyContent(content: Content | undefined, want: number, out: ChunkWriter, signal?: AbortSignal): AsyncGenerator<Uint8Array, ContentOutcome, undefined> {
  let outcome: ContentOutcome = { copied: 0 };
  if (content && want > 0) {
    if (hasReader(content) && content.readOnce && want < out.chunkByteLength / 2) {
      // a small file that does not fit in what is left of the chunk starts a new one (chunks may be handed out short)
      if (want >= out.space().length) {
        const c = out.take();
        if (c) yield c;
      }
      outcome = copyOnce(content as Parameters<typeof copyOnce>[0], want, out);
    } else if (hasReader(content)) outcome = yield* copyByReader(content, want, out, signal);
    else outcome = yield* copyByStream(content, want, out, signal);
  }
  yield* out.zeros(want - outcome.copied);
  return outcome;
}
