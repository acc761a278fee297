import { parseCommandArgs } from '../args.js';
import { Exit, UsageError, type CliContext } from '../context.js';
import { NAMESPACE_OPTION, parseNamespace } from '../render/namespace.js';

export const summary = 'write a file from an image to standard output';
export const usage = `usage: isokit cat IMAGE PATH [--namespace rr|joliet|iso9660|udf]

Write the bytes of the file PATH inside IMAGE to standard output (symbolic links inside the image are
followed). IMAGE is a file, a block device or an http(s) URL.

  --namespace NS   rr (Rock Ridge), joliet, iso9660 or udf
                   (default: Rock Ridge, else UDF, else Joliet, else ISO 9660)
`;

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...NAMESPACE_OPTION });
  if (positionals.length !== 2) throw new UsageError('cat needs IMAGE and PATH (see: isokit cat --help)');
  const [imagePath, path] = positionals as [string, string];
  const namespace = parseNamespace(values.namespace);
  const [{ openImageFile }, { resolveImagePath }, { ErrorCode, IsoKitError }] = await Promise.all([
    import('../../node/open-image.js'),
    import('../render/find.js'),
    import('../../errors/index.js'),
  ]);
  const image = await openImageFile(imagePath, { namespace, signal: ctx.signal });
  try {
    const node = resolveImagePath(image.tree, path);
    if (node.kind === 'dir') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path} is a directory in the image`);
    if (node.kind !== 'file') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path} is a ${node.kind}, not a regular file`);
    let written = 0;
    if (node.content) {
      for await (const chunk of node.content.stream({ signal: ctx.signal, chunkSize: 1 << 20 })) {
        written += chunk.length;
        if (!ctx.stdout.write(chunk)) await drained(ctx.stdout);
      }
    }
    if (written !== (node.content?.byteLength ?? 0)) throw new IsoKitError(ErrorCode.TRUNCATED, `${path}: image ended after ${written} bytes of the file`);
    if (values.json) ctx.stderr.write(JSON.stringify({ ok: true, path, bytes: written }) + '\n');
  } finally {
    await image.source.close?.();
  }
  return Exit.OK;
}

/** Wait for 'drain' (or for the stream to end: a closed pipe is handled by main as a quiet exit). */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}
