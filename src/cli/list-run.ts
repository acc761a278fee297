/**
 * `isokit ls` after its arguments were parsed (commands/ls.ts): open the image, list it through the library's
 * listing engine (read/list.ts) and row renderer, print. Kept in one module with static imports so the bundled
 * CLI loads the listing code in one piece.
 */
import { fstatSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { openImageFile } from '../node/open-image.js';
import { listImage } from '../read/list.js';
import type { IsoImage, NamespaceChoice } from '../read/types.js';
import { LongRows, ShortRows } from '../read/views/rows.js';
import { walkImageBatches } from '../read/walk.js';
import type { CliContext } from './context.js';
import { TextWriter, jsonEntry, streamSink } from './render/ls-stream.js';

export interface ListRequest {
  imagePath: string;
  /** the directory (or file) to list, '/' for the root */
  path: string;
  namespace: NamespaceChoice;
  recursive: boolean;
  long: boolean;
  json: boolean;
}

export async function runList(req: ListRequest, ctx: CliContext): Promise<void> {
  // the tree is read a directory at a time and not kept: listing 100,000 files needs little memory
  const image = await openImageFile(req.imagePath, { namespace: req.namespace, signal: ctx.signal, deferTree: true });
  try {
    if (req.json) {
      await listJson(image, req, ctx);
    } else {
      await listText(image, req, ctx);
      warnDamage(image, req, ctx);
    }
  } finally {
    await image.source.close?.();
  }
}

/**
 * Damage or oddities met while reading (a truncated image, an extent past its end, a bad record): what
 * could be read was listed, so the exit code stays 0, but it is said, in one line on stderr (`isokit info`
 * lists them all; --json carries them in "findings" instead). Images made by xorriso, genisoimage or isokit have none.
 */
function warnDamage(image: IsoImage, req: ListRequest, ctx: CliContext): void {
  const problems = image.findings.filter((f) => f.severity !== 'info');
  const first = problems.find((f) => f.severity === 'error') ?? problems[0];
  if (!first) return;
  const n = problems.length;
  ctx.stderr.write(`isokit: warning: ${n} problem${n > 1 ? 's' : ''} found while reading ${req.imagePath} (${first.severity}: ${first.message}${n > 1 ? ', …' : ''}); isokit info lists them\n`);
}

/** The text forms: rows from the listing engine; the short form is written as it goes. */
async function listText(image: IsoImage, req: ListRequest, ctx: CliContext): Promise<void> {
  const opts = { path: req.path, recursive: req.recursive, signal: ctx.signal };
  // nothing is written before PATH was looked up: a missing PATH fails with empty output
  if (req.long) {
    const rows = new LongRows();
    for await (const _ of listImage(image, rows, opts));
    const fd = regularFile(ctx);
    if (fd !== undefined) {
      // into a file: written at once (each chunk before the next is made: one block written again)
      for (const chunk of rows.chunks({ reuse: true })) writeAll(fd, chunk);
    } else {
      const out = streamSink(ctx.stdout);
      for (const chunk of rows.chunks()) await out.write(chunk);
    }
    return;
  }
  const out = streamSink(ctx.stdout);
  const rows = new ShortRows();
  for await (const _ of listImage(image, rows, opts)) {
    for (const chunk of rows.take()) await out.write(chunk);
  }
  for (const chunk of rows.take(true)) await out.write(chunk);
}

/** --json: one entry per line (readable, cheap to produce and to grep); hard-link groups need a first walk. */
async function listJson(image: IsoImage, req: ListRequest, ctx: CliContext): Promise<void> {
  const batches = walkImageBatches(image, { path: req.path, recursive: req.recursive, signal: ctx.signal, linkGroups: true });
  // the first batch comes after PATH was looked up: a missing PATH fails before anything is written
  let batch = await batches.next();
  const out = new TextWriter(streamSink(ctx.stdout));
  await out.add(JSON.stringify({ ok: true, image: req.imagePath, namespace: image.namespace, path: req.path }).slice(0, -1) + ',"entries":[');
  let sep = '\n';
  for (; !batch.done; batch = await batches.next()) {
    for (const e of batch.value) {
      await out.add(sep + jsonEntry(e.node, e.path));
      sep = ',\n';
    }
  }
  await out.add(`${sep === ',\n' ? '\n' : ''}],"findings":${JSON.stringify(image.findings)}}\n`);
  await out.flush();
}

/** stdout's descriptor when it is a regular file or a device other than a terminal (/dev/null: a write does not wait), else undefined. */
function regularFile(ctx: CliContext): number | undefined {
  const fd = ctx.stdoutFd;
  if (fd === undefined) return undefined;
  try {
    const st = fstatSync(fd);
    return st.isFile() || (st.isCharacterDevice() && !isatty(fd)) ? fd : undefined;
  } catch {
    return undefined;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  try {
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
  } catch (e) {
    throw new IsoKitError(ErrorCode.IO, `cannot write the listing: ${(e as Error).message}`, { cause: e });
  }
}
