import { parseCommandArgs } from '../args.js';
import { Exit, UsageError, type CliContext } from '../context.js';
import { NAMESPACE_OPTION, parseNamespace } from '../render/namespace.js';

export const summary = 'show what an image contains: volume, namespaces, boot entries, partitions, findings';
export const usage = `usage: isokit info IMAGE [--json] [--namespace rr|joliet|iso9660|udf]

Show the volume identification and dates, size, the namespaces present (ISO 9660 level, Joliet, Rock Ridge,
ISO 9660:1999, UDF) and the one used, the UDF volume (revision, volume and logical volume ids, partitions,
integrity open/closed, file and directory counts), El Torito boot entries, partition tables (MBR, GPT, APM),
sessions, and findings (damage or oddities that did not stop reading: severity, code, byte offset, structure).
IMAGE is a file, a block device or an http(s) URL.

  --namespace NS   rr, joliet, iso9660 or udf: the namespace to read the tree from
                   (default: Rock Ridge, else UDF, else Joliet, else ISO 9660)
  --json           the same as one JSON object (dates as ISO 8601 strings)
`;

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...NAMESPACE_OPTION });
  if (positionals.length !== 1) throw new UsageError('info needs exactly one IMAGE (see: isokit info --help)');
  const imagePath = positionals[0] as string;
  const namespace = parseNamespace(values.namespace);
  const [{ openImageFile }, { infoJson, formatInfo, jsonReplacer }] = await Promise.all([import('../../node/open-image.js'), import('../../read/views/info.js')]);
  const image = await openImageFile(imagePath, { namespace, signal: ctx.signal });
  try {
    if (values.json) ctx.stdout.write(JSON.stringify(infoJson(image, imagePath), jsonReplacer, 2) + '\n');
    else ctx.stdout.write(formatInfo(image, imagePath));
  } finally {
    await image.source.close?.();
  }
  return Exit.OK;
}
