import { parseCommandArgs } from '../args.js';
import { Exit, UsageError, type CliContext } from '../context.js';
import { printJson } from '../output.js';

export const summary = 'structural check of an image (descriptors, extents, path tables, boot, partitions, UDF)';
export const usage = `usage: isokit check IMAGE [--json]

Checks the structures of IMAGE: volume descriptors (both-endian fields, size against the file), path tables
against the directories, every extent inside the volume, partly overlapping file extents (shared extents of
hard links are fine), Rock Ridge continuation areas and link counts, El Torito catalog checksum and boot
image bounds, MBR/GPT (CRCs, backup header, entries inside the image), and a UDF volume (also beside ISO
9660): descriptor tags (checksum, CRC, location), anchors, descriptor sequences, the integrity descriptor,
File Identifier Descriptors, allocation extents inside their partition, directory loops.
Findings have a severity, a byte offset and the structure. Exit 3 when any finding is an error.`;

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {});
  if (positionals.length !== 1) throw new UsageError('check needs exactly one IMAGE');
  const image = positionals[0] as string;
  const [{ openSource }, { checkImage }] = await Promise.all([import('../../node/open-source.js'), import('../../verify/check.js')]);
  const source = await openSource(image, { signal: ctx.signal });
  let report;
  try {
    report = await checkImage(source, { signal: ctx.signal });
  } finally {
    await source.close?.();
  }
  if (values.json) printJson(ctx, { image, ...report });
  else {
    for (const x of report.findings) {
      const at = x.byteOffset !== undefined ? ` at byte 0x${x.byteOffset.toString(16)}` : '';
      ctx.stdout.write(`${x.severity}: ${x.structure ?? ''}${at}: ${x.message} (${x.code})\n`);
    }
    ctx.stdout.write(`${image}: ${report.ok ? 'OK' : 'ERRORS'} — ${report.errors} error(s), ${report.warnings} warning(s); ${report.directories} directories, ${report.files} files\n`);
  }
  return report.ok ? Exit.OK : Exit.CHECK_FAILED;
}
