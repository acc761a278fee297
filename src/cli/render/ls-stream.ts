/**
 * Streaming pieces of the `isokit ls` listings (render/ls.ts gives the same text for a list in memory):
 * the sink with back-pressure, a text writer in 64 KiB chunks, and the short and JSON lines of an entry.
 * The long and short rows of the fast listing path are kept as bytes by cli/list-rows.ts.
 */
import type { TreeNode } from '../../model/index.js';
import { entryJson } from '../../read/views/ls.js';

const CHUNK = 64 * 1024;

/** Where listings go: chunks are written with back-pressure (a slow reader pauses the walk). */
export interface ChunkSink {
  write(chunk: string | Uint8Array): Promise<void>;
}

/** A sink over a Node writable stream (stdout). */
export function streamSink(stream: NodeJS.WritableStream): ChunkSink {
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('error', done);
        stream.off('close', done);
        resolve();
      };
      stream.on('drain', done);
      stream.on('error', done);
      stream.on('close', done);
    });
  return {
    async write(chunk) {
      if (!stream.write(chunk)) await drained();
    },
  };
}

/** Text accumulated and written in chunks of about 64 KiB. */
export class TextWriter {
  private text = '';
  constructor(private readonly sink: ChunkSink) {}
  async add(s: string): Promise<void> {
    this.text += s;
    if (this.text.length >= CHUNK) await this.flush();
  }
  /** Write what is pending, then `chunk`. */
  async flushWith(chunk: Uint8Array): Promise<void> {
    await this.flush();
    await this.sink.write(chunk);
  }
  async flush(): Promise<void> {
    if (!this.text) return;
    const t = this.text;
    this.text = '';
    await this.sink.write(t);
  }
}

/** JSON form of one entry (see entryJson). */
export function jsonEntry(node: TreeNode, path: string): string {
  return JSON.stringify(entryJson({ node, path }));
}
