import { parseCommandArgs } from '../args.js';
import { Exit, UsageError, type CliContext } from '../context.js';
import { ProgressBar, printJson } from '../output.js';

export const summary = 'implant an isomd5sum checksum (implantisomd5-compatible) into an image';
export const usage = `usage: isokit implant IMAGE [--force] [--supported-iso] [--json]

Writes an MD5 of the image into the Primary Volume Descriptor's Application Use field, exactly as
implantisomd5 does (checkisomd5 and "isokit verify --implanted" check it). The image is changed in place.
Hybridize or append partitions BEFORE implanting: later changes to the image break the check.

  --force           overwrite the field when it is not blank (an older implanted sum, -application_use)
  --supported-iso   set RHLISOSTATUS=1
  --json            {"image", "md5", "fragmentSums", "byteOffset", "hashedByteLength"}`;

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { force: { type: 'boolean', short: 'f' }, 'supported-iso': { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('implant needs exactly one IMAGE');
  const image = positionals[0] as string;
  if (/^https?:\/\//i.test(image)) throw new UsageError('implant writes in place: IMAGE must be a local file');
  const { implantIsoMd5File } = await import('../../node/verify-file.js');
  const bar = new ProgressBar(ctx, !values.json);
  let r;
  try {
    r = await implantIsoMd5File(image, { force: !!values.force, supported: !!values['supported-iso'], signal: ctx.signal, onProgress: bar.update });
  } finally {
    bar.done();
  }
  if (values.json) {
    printJson(ctx, { ok: true, image, md5: r.md5, fragmentSums: r.fragmentSums, byteOffset: r.byteOffset, hashedByteLength: r.hashedByteLength, overwrote: r.overwrote });
  } else {
    ctx.stdout.write(`${image}: implanted MD5 ${r.md5} (${r.hashedByteLength} bytes hashed, fragment sums ${r.fragmentSums})\n`);
    if (r.overwrote) ctx.stderr.write('isokit: note: the previous Application Use field was overwritten (--force)\n');
  }
  return Exit.OK;
}
