import { parseCommandArgs } from '../args.js';
import { Exit, UsageError, type CliContext } from '../context.js';
import { NAMESPACE_OPTION, parseNamespace } from '../render/namespace.js';

export const summary = 'extract files from an image into a folder';
export const usage = `usage: isokit extract IMAGE [PATH|GLOB…] -o DIR [options]

Extract all of IMAGE, or the given paths and patterns (* and ? within a name, ** across folders, matched
against paths inside the image), into DIR (created when missing). Paths keep their place below DIR.
IMAGE is a file, a block device or an http(s) URL (read with range requests).

Rock Ridge metadata is restored: permission bits, modification times (folders after their contents),
symbolic links (created as they are, never followed), hard links (as links), and owners when run as root.
From UDF the same, as its File Entries record them (permissions, times, owners, symlinks, hard links).

  -o, --output DIR     where to extract (required unless only --boot-images is given)
  --namespace NS       rr (Rock Ridge), joliet, iso9660 or udf
                       (default: Rock Ridge, else UDF, else Joliet, else ISO 9660)
  --overwrite          replace existing files (atomically); without it an existing file is an error
  --no-permissions     do not restore permission bits (the umask decides)
  --devices            create device nodes and FIFOs (runs the mknod / mkfifo commands; usually needs root)
  --boot-images DIR    also save each El Torito boot image as DIR/boot-<n>-<platform>.img
  --json               print a summary object {ok, files, dirs, symlinks, hardlinks, bytes, …}

Safety: names containing "/", NUL, empty names and ".." are refused; nothing is written through a
symbolic link and nothing is created outside DIR. Files are written under a temporary name and moved into
place when complete.
`;

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    output: { type: 'string', short: 'o' },
    overwrite: { type: 'boolean' },
    'no-permissions': { type: 'boolean' },
    devices: { type: 'boolean' },
    'boot-images': { type: 'string' },
    ...NAMESPACE_OPTION,
  });
  if (positionals.length < 1) throw new UsageError('extract needs an IMAGE (see: isokit extract --help)');
  if (!values.output && values['boot-images'] === undefined) throw new UsageError('extract needs -o DIR (where to extract), or --boot-images DIR');
  const [imagePath, ...select] = positionals as [string, ...string[]];
  const namespace = parseNamespace(values.namespace);
  const [{ openImageFile }, { extractImage }, { ProgressBar }] = await Promise.all([
    import('../../node/open-image.js'),
    import('../../node/extract.js'),
    import('../output.js'),
  ]);
  // The whole image is extracted while its tree is walked (flat memory); boot images need the tree read.
  const deferTree = select.length === 0 && values['boot-images'] === undefined;
  const image = await openImageFile(imagePath, { namespace, signal: ctx.signal, deferTree });
  const bar = new ProgressBar(ctx, !values.json);
  try {
    const summary = values.output === undefined ? emptySummary() : await extractImage(image, values.output, {
      select,
      overwrite: !!values.overwrite,
      permissions: !values['no-permissions'],
      devices: !!values.devices,
      signal: ctx.signal,
      onProgress: bar.update,
    });
    bar.done();
    let bootImages: { path: string; byteLength: number }[] | undefined;
    if (values['boot-images'] !== undefined) {
      const { saveBootImages } = await import('../../node/extract-boot.js');
      bootImages = await saveBootImages(image, values['boot-images'], { overwrite: !!values.overwrite, signal: ctx.signal });
    }
    // directory entries whose File Entry could not be read are not in the tree: not extracted, and said so
    const unlisted = image.findings.filter((f) => f.severity === 'error' && f.code === 'UDF_FILE_ENTRY')
      .map((f) => ({ message: f.message, ...(f.byteOffset !== undefined ? { byteOffset: f.byteOffset } : {}) }));
    const ok = summary.failed.length === 0 && unlisted.length === 0;
    if (values.json) {
      ctx.stdout.write(JSON.stringify({ ok, image: imagePath, namespace: image.namespace, ...summary, ...(unlisted.length ? { unlisted } : {}), ...(bootImages ? { bootImages } : {}) }, null, 2) + '\n');
    } else {
      const sk = summary.skipped;
      if (sk.length) {
        const list = sk.slice(0, 5).map((s) => s.path).join(', ') + (sk.length > 5 ? `, … (${sk.length - 5} more)` : '');
        ctx.stderr.write(`isokit: note: skipped ${sk.length} entr${sk.length > 1 ? 'ies' : 'y'} (${sk[0]?.reason}${sk.some((s) => s.reason !== sk[0]?.reason) ? ', …' : ''}): ${list}\n`);
      }
      for (const b of bootImages ?? []) ctx.stderr.write(`isokit: boot image saved: ${b.path} (${b.byteLength} bytes)\n`);
      const f = summary.failed;
      if (f.length) ctx.stderr.write(`isokit: error: ${f.length} file${f.length > 1 ? 's' : ''} could not be read from the image and ${f.length > 1 ? 'were' : 'was'} not extracted (first: ${f[0]?.message})\n`);
      if (unlisted.length) ctx.stderr.write(`isokit: error: ${unlisted.length} director${unlisted.length > 1 ? 'y entries' : 'y entry'} could not be read from the image and ${unlisted.length > 1 ? 'were' : 'was'} not extracted (first: ${unlisted[0]?.message}); isokit check lists them\n`);
    }
    if (!ok) return Exit.FAILED;
  } finally {
    bar.done();
    await image.source.close?.();
  }
  return Exit.OK;
}

/** What extractTree reports when nothing but boot images was asked for. */
function emptySummary() {
  return { destination: undefined, files: 0, dirs: 0, symlinks: 0, hardlinks: 0, devices: 0, fifos: 0, bytes: 0, skipped: [] as { path: string; reason: string }[], failed: [] as { path: string; message: string }[] };
}
