import { parseCommandArgs } from '../args.js';
import { Exit, UsageError, type CliContext } from '../context.js';
import { NAMESPACE_OPTION, parseNamespace } from '../render/namespace.js';

export const summary = 'list the files in an image';
export const usage = `usage: isokit ls IMAGE [PATH] [-l] [-R] [--json] [--namespace rr|joliet|iso9660]

List the directory PATH of IMAGE (default: the root). A PATH that is a file lists that file.
IMAGE is a file, a block device or an http(s) URL (read with range requests).

  -l, --long          mode, links, uid, gid, size, mtime (UTC), name, "-> target" for symlinks,
                      "major, minor" for device nodes
  -R, --recursive     everything below PATH, with paths relative to PATH
  --namespace NS      rr (Rock Ridge), joliet or iso9660 (default: Rock Ridge, else Joliet, else ISO 9660)
  --json              {"path","entries":[{path,type,mode,nlink,uid,gid,size,mtime,target,extents,…}]}
`;

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    long: { type: 'boolean', short: 'l' },
    recursive: { type: 'boolean', short: 'R' },
    ...NAMESPACE_OPTION,
  });
  if (positionals.length < 1) throw new UsageError('ls needs an IMAGE (see: isokit ls --help)');
  if (positionals.length > 2) throw new UsageError(`ls takes IMAGE and at most one PATH, got ${positionals.length - 1} paths`);
  const [imagePath, path = '/'] = positionals as [string, string?];
  const namespace = parseNamespace(values.namespace);
  const [{ openImageFile }, { walkImageBatches }, { LongListing, TextWriter, jsonEntry, shortLine, streamSink }] = await Promise.all([
    import('../../node/open-image.js'),
    import('../../read/walk.js'),
    import('../render/ls-stream.js'),
  ]);
  // the tree is read a directory at a time and not kept: listing 100,000 files needs little memory
  const image = await openImageFile(imagePath, { namespace, signal: ctx.signal, deferTree: true });
  try {
    // JSON shows hard-link groups (found by a first walk); the text forms do not need them
    const batches = walkImageBatches(image, { path, recursive: !!values.recursive, signal: ctx.signal, linkGroups: !!values.json });
    // the first batch comes after PATH was looked up: a missing PATH fails before anything is written
    let batch = await batches.next();
    const out = new TextWriter(streamSink(ctx.stdout));
    if (values.json) {
      // One entry per line: readable, and large listings stay cheap to produce and to grep.
      await out.add(JSON.stringify({ ok: true, image: imagePath, namespace: image.namespace, path }).slice(0, -1) + ',"entries":[');
      let sep = '\n';
      for (; !batch.done; batch = await batches.next()) {
        for (const e of batch.value) {
          await out.add(sep + jsonEntry(e.node, e.path));
          sep = ',\n';
        }
      }
      await out.add(sep === ',\n' ? '\n]}\n' : ']}\n');
    } else if (values.long) {
      const listing = new LongListing();
      for (; !batch.done; batch = await batches.next()) for (const e of batch.value) listing.add(e.node, e.path);
      for (const chunk of listing.chunks()) await out.flushWith(chunk);
    } else {
      for (; !batch.done; batch = await batches.next()) for (const e of batch.value) await out.add(shortLine(e.node, e.path));
    }
    await out.flush();
  } finally {
    await image.source.close?.();
  }
  return Exit.OK;
}
