import { intOption, parseCommandArgs } from '../args.js';
import { Exit, UsageError, type CliContext } from '../context.js';
import type { RemasterFileReport } from '../../node/remaster.js';
import { VOLUME_OPTIONS, volumeIdsFromArgs } from '../volume-args.js';

export const summary = 'edit an image (add, replace, remove files) keeping its BIOS/UEFI boot records and hybrid layout';
export const usage = `usage: isokit remaster IN.iso -o OUT.iso [--add DEST=SRC]… [--rm PATH]… [-V LABEL] [options]

Write a new image with IN's files, edited: --rm removes paths, then --add puts files or folders in (a
folder's contents are merged at DEST, a file replaces the file at DEST). Unchanged files are copied as
byte ranges of IN (nothing is extracted). The El Torito entries (BIOS and UEFI) are replayed with their
boot info tables regenerated, and the system area is re-created in the same style: the MBR boot code
(isohybrid / GRUB2 hybrid), partition 1 over the ISO or a protective MBR + GPT, the partition offset and
the appended partitions (copied from IN). Volume ids and namespaces (ISO level, Joliet, Rock Ridge, UDF) are kept;
a Windows-shaped original (README-only ISO 9660, the tree in UDF) stays so.

options:
  -o, --output FILE     the new image (written to .FILE.partial, renamed when complete)
      --add DEST=SRC    put SRC (file or folder) at DEST in the image (repeatable; SRC alone: at the root)
      --rm PATH         remove PATH (a folder with everything below it; repeatable)
  -V, --volume-id LABEL new volume label (default: IN's)
      --volset TEXT  --publisher TEXT  --preparer TEXT  --application TEXT  --system-id TEXT
      --iso-level N     ISO 9660 level for the new image (default: IN's)
      --no-boot         drop the boot records (a plain data image)
      --date DATE       build date (ISO 8601 or seconds since 1970; default $SOURCE_DATE_EPOCH, else now); with
                        either, file times after it are clamped (reproducible, as create)
      --strict          a source file that changes while writing is an error
      --dry-run         show the plan (what is replayed, what is copied from IN, what is added); write nothing
      --json            print the plan / result as JSON
`;

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  add: { type: 'string', multiple: true },
  rm: { type: 'string', multiple: true },
  ...VOLUME_OPTIONS,
  'iso-level': { type: 'string' },
  'no-boot': { type: 'boolean' },
  date: { type: 'string' },
  strict: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const;

function parseDate(text: string, what: string): number {
  const t = /^-?\d+$/.test(text.trim()) ? Number(text) * 1000 : Date.parse(text);
  if (!Number.isFinite(t)) throw new UsageError(`${what} is not a date: "${text}"`);
  return t;
}

const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

function describe(r: RemasterFileReport, fmt: (n: number) => string): string {
  const p = r.plan;
  const ns = p.namespaces;
  const lines = [
    `volume "${p.volume.volumeId}": ISO 9660 level ${ns.isoLevel}${ns.joliet ? `, Joliet${ns.joliet === 'long' ? ' (long)' : ''}` : ''}${ns.rockRidge ? `, Rock Ridge ${ns.rockRidge}` : ''}${ns.udf ? `, UDF ${ns.udf}${ns.udfOnly ? ' (the tree only in UDF, ISO 9660 holds a README)' : ''}` : ''}`,
  ];
  for (const e of p.edits) lines.push(`  ${{ add: '+', replace: '~', remove: '-' }[e.op]} ${e.path} (${e.kind}${e.files ? `, ${e.files} file${e.files === 1 ? '' : 's'}, ${fmt(e.byteLength)}` : ''})`);
  const c = r.layout.copiedFromOriginal;
  lines.push(`files: ${c.files} copied as ranges of the original (${fmt(c.bytes)}), ${r.layout.fromEdits.files} added (${fmt(r.layout.fromEdits.bytes)}), ${p.files.removed} removed${r.layout.rewritten.files ? `, ${r.layout.rewritten.files} rewritten (${fmt(r.layout.rewritten.bytes)})` : ''}`);
  const b = p.boot;
  if (b.entries.length) {
    lines.push(`El Torito: catalog ${b.catalog?.hidden ? '(hidden)' : b.catalog?.path ?? ''}`);
    for (const e of b.entries) {
      const opts = [e.bootInfoTable && 'boot-info-table', e.grub2BootInfo && 'grub2-boot-info', e.isohybridGpt && `isohybrid-gpt-${e.isohybridGpt}`, e.replaced && 'replaced'].filter(Boolean).join(' ');
      lines.push(`  ${e.index} ${e.platform} ${e.emulation === 'none' ? 'no-emulation' : e.emulation} load ${e.loadSize}${e.loadSegment ? ` seg ${hex(e.loadSegment)}` : ''}${e.bootable ? '' : ' not-bootable'}: ${e.image}${opts ? ` (${opts})` : ''}`);
    }
  } else lines.push('El Torito: none');
  const sa = b.systemArea;
  lines.push(`system area: ${sa.style === 'none' ? 'no boot code' : `${sa.style} boot code (${sa.templateByteLength} bytes kept)`}, MBR ${sa.mbr}, GPT ${sa.gpt}${sa.partitionOffset ? `, partition offset ${sa.partitionOffset}` : ''}${sa.mbrForceBootable ? ', force-bootable' : ''}, cylinder align ${sa.cylinderAlign}`);
  for (const a of sa.appendedPartitions) lines.push(`  appended partition ${a.number}: type ${hex(a.mbrType)}${a.gptType ? ` ${a.gptType}` : ''}, ${fmt(a.byteLength)} copied from byte ${a.byteOffset}`);
  lines.push(`${r.dryRun ? 'would write' : 'wrote'} ${r.dryRun ? '' : `${r.output}: `}${fmt(r.byteLength)} (${r.blockCount} blocks)${r.dryRun ? '' : ` in ${(r.seconds.plan + r.seconds.write).toFixed(1)} s`}`);
  return lines.join('\n') + '\n';
}

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(argv, OPTIONS);
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `remaster takes one input image, got ${positionals.length}` : 'remaster needs an input image (see: isokit remaster --help)');
  if (!v.output && !v['dry-run']) throw new UsageError('remaster needs -o OUT.iso');
  if (v.output === '-') throw new UsageError('remaster writes to a file, not to standard output');
  const isoLevel = intOption(v['iso-level'], '--iso-level', 1, 4) as 1 | 2 | 3 | 4 | undefined;
  const epoch = v.date !== undefined ? parseDate(v.date, '--date') : ctx.env.SOURCE_DATE_EPOCH ? parseDate(ctx.env.SOURCE_DATE_EPOCH, 'SOURCE_DATE_EPOCH') : undefined;
  const [{ remasterImageFile }, { parseGraftSource }, { existsSync }, { ProgressBar, printJson, formatBytes }] = await Promise.all([
    import('../../node/remaster.js'),
    import('../../node/fs-tree.js'),
    import('node:fs'),
    import('../output.js'),
  ]);
  for (const a of v.add ?? []) if (!a) throw new UsageError('--add needs DEST=SRC or a source path');
  const bar = new ProgressBar(ctx, !v.json && !v['dry-run']);
  const warn = (m: string) => ctx.stderr.write(`isokit: warning: ${m}\n`);
  let report: RemasterFileReport;
  try {
    report = await remasterImageFile({
      input: positionals[0] as string,
      output: v.output ?? '',
      add: (v.add ?? []).map((a) => parseGraftSource(a, existsSync)),
      remove: v.rm ?? [],
      dryRun: !!v['dry-run'],
      strict: !!v.strict,
      // SOURCE_DATE_EPOCH / --date: file times after it are clamped, as create does (reproducible output)
      dateMs: epoch ?? Date.now(),
      clampTimes: epoch !== undefined,
      ...volumeIdsFromArgs(v),
      ...(isoLevel ? { isoLevel } : {}),
      ...(v['no-boot'] ? { noBoot: true } : {}),
      signal: ctx.signal,
      onProgress: (p) => bar.update({ ...p, phase: 'writing' }),
      ...(v.json ? {} : { onWarning: warn }),
      onFileChanged: (c) => warn(`${c.path} changed while the image was written (${c.reason}); stored as ${c.plannedByteLength} bytes`),
    });
  } finally {
    bar.done();
  }
  if (v.json) printJson(ctx, { ok: true, ...report });
  else ctx.stdout.write(describe(report, formatBytes));
  return Exit.OK;
}
