import { intOption, parseCommandArgs } from '../args.js';
import { Exit, UsageError, type CliContext } from '../context.js';
import { BOOT_USAGE, bootSpecFromArgs, splitBootArgs } from '../create-boot-args.js';
import { VOLUME_OPTIONS, volumeIdsFromArgs } from '../volume-args.js';
import type { UdfRevision } from '../../create/options.js';
import type { CreateReport } from '../../node/create.js';
import { readFileSync } from 'node:fs';

export const summary = 'create an ISO image (Rock Ridge + Joliet) from folders and files';
export const usage = `usage: isokit create SRC… -o OUT.iso [-V LABEL] [options]

Write an ISO 9660 image of the sources: the contents of each SRC folder are merged at the root (like
mkisofs), a SRC file goes to /NAME, and DEST=SRC grafts SRC at DEST in the image. Rock Ridge (POSIX names,
modes, owners, times, symlinks, hard links, devices) and Joliet (Windows names) are on by default.
The image is written to .OUT.iso.partial and renamed when complete; an interrupted run leaves no OUT.iso.

options:
  -o, --output FILE       the image to write ('-' = standard output)
  -V, --volume-id LABEL   volume label (default: the first source folder's name)
      --volset TEXT  --publisher TEXT  --preparer TEXT  --application TEXT  --system-id TEXT
      --iso-level N       1 (8.3 names), 2, 3 (default: 31-char names, files over 4 GiB), 4 (ISO 9660:1999)
      --no-joliet         no Joliet tree          --joliet-long   Joliet names up to 103 characters
      --joliet-utf16      Joliet names keep characters outside the BMP (emoji…) as UTF-16 surrogate pairs
                          (default: UCS-2 like xorriso, each such character written as '_'; Rock Ridge keeps all)
      --no-rock-ridge     no Rock Ridge           --rrip 1.10|1.12  Rock Ridge version (default 1.12)
      --relocate-deep     move directories deeper than 8 levels to /rr_moved (RRIP relocation)
      --exclude GLOB      leave out matching names (no '/') or paths below a source (repeatable)
      --follow-symlinks   store what symbolic links point to
      --no-hidden         leave out names starting with '.'
      --dedup             store identical file contents once
      --udf               add a UDF file system over the same file data (a bridge image, as on Windows media)
      --udf-rev REV       UDF revision: 1.02 (default, Windows media), 2.01, 2.50 (metadata partition); implies --udf
      --iso-large-files multi-extent|leave-out|limited-size  files of 4 GiB and more in ISO 9660 (with --udf):
                          multi-extent records (default), only in UDF, or genisoimage's -allow-limited-size
      --udf-only          the Windows media layout: the tree only in UDF, ISO 9660 and Joliet hold one README.TXT
                          (boot images are still found in the tree); implies --udf
      --iso-readme FILE   the README's text for --udf-only (default: the text Windows media carry)
      --udf-special-files also record symbolic links, devices, FIFOs and sockets in UDF (Linux reads them;
                          7-Zip then refuses the UDF volume); default: UDF holds files and directories only
      --date DATE         build date (ISO 8601 or seconds since 1970); file times after it are clamped;
                          default: $SOURCE_DATE_EPOCH if set (same effect), else now
      --strict            a source file that changes while writing is an error (default: reported)
      --sort-weight WEIGHT GLOB  place matching files' data first (higher weight first; GLOB as --exclude;
                          a matching folder weighs every file below it; repeatable, later rules win)
      --fsync             flush the image to the disk before renaming it into place (durable across a crash)
      --print-size        print the exact image size in bytes and exit
      --dry-run           plan only; with --json, print files, directories, blocks and where each region lands
      --json              print a JSON summary
${BOOT_USAGE}`;

function parseDate(text: string, what: string): number {
  const t = /^-?\d+$/.test(text.trim()) ? Number(text) * 1000 : Date.parse(text);
  if (!Number.isFinite(t)) throw new UsageError(`${what} is not a date: "${text}"`);
  return t;
}

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  ...VOLUME_OPTIONS,
  'iso-level': { type: 'string' },
  'no-joliet': { type: 'boolean' },
  'joliet-long': { type: 'boolean' },
  'joliet-utf16': { type: 'boolean' },
  'no-rock-ridge': { type: 'boolean' },
  rrip: { type: 'string' },
  'relocate-deep': { type: 'boolean' },
  exclude: { type: 'string', multiple: true },
  'follow-symlinks': { type: 'boolean' },
  'no-hidden': { type: 'boolean' },
  dedup: { type: 'boolean' },
  udf: { type: 'boolean' },
  'udf-rev': { type: 'string' },
  'udf-special-files': { type: 'boolean' },
  'iso-large-files': { type: 'string' },
  'udf-only': { type: 'boolean' },
  'iso-readme': { type: 'string' },
  date: { type: 'string' },
  strict: { type: 'boolean' },
  fsync: { type: 'boolean' },
  'print-size': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const;

/** Take the two-value `--sort-weight WEIGHT GLOB` options out of argv (parseArgs options take one value). */
function takeSortWeights(argv: string[]): { rest: string[]; sortWeights: { weight: number; pattern: string }[] } {
  const rest: string[] = [];
  const sortWeights: { weight: number; pattern: string }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a !== '--sort-weight') {
      rest.push(a);
      continue;
    }
    const w = argv[i + 1], pattern = argv[i + 2];
    if (w === undefined || pattern === undefined) throw new UsageError('--sort-weight needs a weight and a pattern: --sort-weight 10 "boot/**"');
    const weight = intOption(w, '--sort-weight', -0x80000000, 0x7fffffff) as number;
    sortWeights.push({ weight, pattern });
    i += 2;
  }
  return { rest, sortWeights };
}

/** The library's UDF_REVISIONS (not imported: the CLI loads the writer only when it runs). */
const UDF_REVISIONS: readonly UdfRevision[] = ['1.02', '2.01', '2.50'];

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

/** The options of the image itself (names, trees, UDF), from the command line. */
function imageOptions(v: Values) {
  const isoLevel = intOption(v['iso-level'], '--iso-level', 1, 4) as 1 | 2 | 3 | 4 | undefined;
  if (v.rrip !== undefined && v.rrip !== '1.10' && v.rrip !== '1.12') throw new UsageError(`--rrip must be 1.10 or 1.12, got "${v.rrip}"`);
  if (v['no-joliet'] && (v['joliet-long'] || v['joliet-utf16'])) throw new UsageError(`--no-joliet and --joliet-${v['joliet-long'] ? 'long' : 'utf16'} contradict each other`);
  const udfRev = v['udf-rev'];
  if (udfRev !== undefined && !UDF_REVISIONS.includes(udfRev as UdfRevision)) throw new UsageError(`--udf-rev must be ${UDF_REVISIONS.join(', ')}, got "${udfRev}"`);
  const udf = !!(v.udf || udfRev || v['udf-only']);
  if (v['iso-readme'] !== undefined && !v['udf-only']) throw new UsageError('--iso-readme needs --udf-only');
  if (v['udf-special-files'] && !udf) throw new UsageError('--udf-special-files needs --udf');
  const large = v['iso-large-files'];
  if (large !== undefined && !['multi-extent', 'leave-out', 'limited-size'].includes(large)) throw new UsageError(`--iso-large-files must be multi-extent, leave-out or limited-size, got "${large}"`);
  if (large !== undefined && large !== 'multi-extent' && !udf) throw new UsageError(`--iso-large-files ${large} needs --udf`);
  return {
    ...volumeIdsFromArgs(v),
    ...(isoLevel ? { isoLevel } : {}),
    joliet: v['no-joliet'] ? false : v['joliet-long'] ? ('long' as const) : true,
    ...(v['joliet-utf16'] ? { jolietUtf16: true } : {}),
    ...(v['no-rock-ridge'] ? { rockRidge: false } : {}),
    ...(v.rrip ? { rripVersion: v.rrip as '1.10' | '1.12' } : {}),
    relocateDeepDirectories: !!v['relocate-deep'],
    ...(udf ? { udf: (udfRev as UdfRevision | undefined) ?? true } : {}),
    ...(v['udf-only'] ? { udfOnly: v['iso-readme'] !== undefined ? { readme: readReadme(v['iso-readme']) } : true } : {}),
    ...(v['udf-special-files'] ? { udfSpecialFiles: true } : {}),
    ...(large ? { isoLargeFiles: large as 'multi-extent' | 'leave-out' | 'limited-size' } : {}),
  };
}

/** The --iso-readme text: an unreadable file is one usage line, not an internal error. */
function readReadme(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new UsageError(`--iso-readme ${file}: cannot read it (${why})`);
  }
}

/** What create prints when done: the size, a dry-run summary or the image's report. */
async function printResult(ctx: CliContext, v: Values, report: CreateReport): Promise<void> {
  const [{ printJson, formatBytes }, { describeLayout }] = await Promise.all([import('../output.js'), import('../../create/index.js')]);
  const layout = report.layout;
  if (v['print-size'] && !v['dry-run']) {
    if (v.json) printJson(ctx, { ok: true, byteLength: layout.byteLength, blockCount: layout.blockCount });
    else ctx.stdout.write(`${layout.byteLength}\n`);
    return;
  }
  if (v['dry-run']) {
    if (v.json) printJson(ctx, { ok: true, dryRun: true, ...describeLayout(layout) });
    else ctx.stdout.write(`${formatBytes(layout.byteLength)} (${layout.blockCount} blocks): ${layout.stats.files} files, ${layout.stats.directories} directories\n`);
    return;
  }
  const s = layout.stats;
  const secs = report.seconds.scan + report.seconds.plan + report.seconds.write;
  if (v.json) {
    printJson(ctx, {
      ok: true, output: report.output, byteLength: report.byteLength, blockCount: report.blockCount,
      files: s.files, directories: s.directories, symlinks: s.symlinks, hardLinks: s.hardLinks, specialFiles: s.specialFiles,
      dedupedFiles: s.dedupedFiles, dedupSavedBytes: s.dedupSavedBytes, changedFiles: report.changedFiles,
      ...(report.dedup ? { dedup: report.dedup } : {}), seconds: report.seconds,
    });
  } else if (report.output !== '-') {
    ctx.stdout.write(`${report.output}: ${formatBytes(report.byteLength)}, ${s.files} files, ${s.directories} directories in ${secs.toFixed(1)} s\n`);
  }
}

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const split = splitBootArgs(argv);
  const { rest, sortWeights } = takeSortWeights(split.argv);
  const { values: v, positionals } = parseCommandArgs(rest, OPTIONS);
  if (!positionals.length) throw new UsageError('create needs at least one source folder or file (see: isokit create --help)');
  const sizeOnly = v['print-size'] || v['dry-run'];
  if (!v.output && !sizeOnly) throw new UsageError('create needs -o OUT.iso (or -o - for standard output)');
  if (v.output === '-' && v.json && !sizeOnly) throw new UsageError('--json cannot be combined with -o - (the image goes to standard output)');
  const image = imageOptions(v);
  const epoch = v.date !== undefined ? parseDate(v.date, '--date') : ctx.env.SOURCE_DATE_EPOCH ? parseDate(ctx.env.SOURCE_DATE_EPOCH, 'SOURCE_DATE_EPOCH') : undefined;

  // peak memory for large trees (process-wide V8 state: the CLI's business, not the library's; see v8-tuning.ts)
  const { keepYoungGenerationSmall, collectGarbage, COLLECT_GARBAGE_FROM_ENTRIES } = await import('../v8-tuning.js');
  keepYoungGenerationSmall();
  const [{ createImageFile }, { parseGraftSource }, { existsSync }, { ProgressBar }] = await Promise.all([
    import('../../node/create.js'),
    import('../../node/fs-tree.js'),
    import('node:fs'),
    import('../output.js'),
  ]);
  const bootSpec = split.boot ? await bootSpecFromArgs(split.boot, process.cwd()) : undefined;
  const bar = new ProgressBar(ctx, !v.json && !sizeOnly);
  const warn = (m: string) => ctx.stderr.write(`isokit: warning: ${m}\n`);
  let report;
  try {
    report = await createImageFile({
      sources: positionals.map((p) => parseGraftSource(p, existsSync)),
      output: v.output ?? '-',
      dryRun: !!sizeOnly,
      ...image,
      exclude: v.exclude ?? [],
      followSymlinks: !!v['follow-symlinks'],
      hidden: !v['no-hidden'],
      dedup: !!v.dedup,
      strict: !!v.strict,
      fsync: !!v.fsync,
      ...(sortWeights.length ? { sortWeights } : {}),
      dateMs: epoch ?? Date.now(),
      clampTimes: epoch !== undefined,
      signal: ctx.signal,
      onProgress: (p) => bar.update({ ...p, phase: p.phase === 'scan' ? 'scanning' : 'writing' }),
      onReaderThreadsStarted: keepYoungGenerationSmall,
      beforeWrite: (layout) => {
        if (layout.stats.files + layout.stats.directories >= COLLECT_GARBAGE_FROM_ENTRIES) collectGarbage();
      },
      onWarning: warn,
      onFileChanged: (c) => warn(`${c.path} changed while the image was written (${c.reason}); stored as ${c.plannedByteLength} bytes`),
      stdout: ctx.stdout,
      ...(bootSpec ? { bootSpec } : {}),
    });
  } finally {
    bar.done();
  }
  await printResult(ctx, v, report);
  return Exit.OK;
}
