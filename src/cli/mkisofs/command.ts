/**
 * The shared body of `isokit mkisofs …` and `isokit xorriso -as mkisofs …`: parse, then print help /
 * version / the request, or build the image.
 */
import { readFileSync } from 'node:fs';
import { Exit, UsageError, type CliContext } from '../context.js';
import { helpText } from './options.js';
import { parseMkisofsArgs } from './parse.js';

export const XORRISO_EMULATED_VERSION = '1.5.4';

export function isokitVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * `xorriso -version`'s first lines, closely enough for scripts that grep them ("xorriso 1.5.4 :",
 * "xorriso version   :  1.5.4"), while saying plainly what this is.
 */
export function xorrisoVersionText(): string {
  const v = XORRISO_EMULATED_VERSION;
  return [
    `xorriso ${v} : RockRidge filesystem manipulator, libburnia project.`,
    '',
    `xorriso ${v}`,
    `isokit ${isokitVersion()}: a xorriso-compatible front end for "xorriso -as mkisofs" (this is not GNU xorriso).`,
    `xorriso version   :  ${v}`,
    '',
  ].join('\n');
}

export function mkisofsVersionText(): string {
  return `mkisofs 2.01-Emulation: isokit ${isokitVersion()} (mkisofs / genisoimage / xorriso -as mkisofs compatible front end)\n`;
}

export interface MkisofsCommandOptions {
  /** name in messages and --help */
  program: string;
  personality: 'mkisofs' | 'xorriso';
  /** extra arguments prepended (e.g. -quiet for xorriso's -report_about SORRY) */
  prepend?: readonly string[];
}

export async function runMkisofsCommand(argv: readonly string[], ctx: CliContext, opts: MkisofsCommandOptions): Promise<number> {
  const inv = parseMkisofsArgs([...(opts.prepend ?? []), ...argv], {
    program: opts.program,
    personality: opts.personality,
    readTextFile: (p) => readFileSync(p, 'utf8'),
  });
  if (inv.action === 'help') {
    ctx.stdout.write(helpText(`isokit ${opts.program}`));
    return Exit.OK;
  }
  if (inv.action === 'version') {
    ctx.stdout.write(opts.personality === 'xorriso' ? xorrisoVersionText() : mkisofsVersionText());
    return Exit.OK;
  }
  const { request: req, json } = inv;
  const { printJson, ProgressBar, formatBytes } = await import('../output.js');
  const warn = (m: string) => ctx.stderr.write(`isokit: warning: ${m}\n`);
  if (inv.printRequest) {
    printJson(ctx, req);
    return Exit.OK;
  }
  for (const w of req.warnings) warn(w);
  if (req.output === '-' && !req.printSize) {
    if (json) throw new UsageError('--json cannot be combined with writing the image to standard output (give -o FILE)');
    if (ctx.stdout.isTTY) throw new UsageError('no -o FILE given and standard output is a terminal: not writing an image there');
  }
  const { runMkisofsRequest } = await import('./to-build.js');
  const bar = new ProgressBar(ctx, !json && !req.quiet && !req.printSize);
  let report;
  try {
    report = await runMkisofsRequest(req, {
      signal: ctx.signal,
      env: ctx.env,
      stdout: ctx.stdout,
      onWarning: warn,
      onProgress: (p) => bar.update(p),
    });
  } finally {
    bar.done();
  }
  if (json) printJson(ctx, { ok: true, ...report });
  else if (report.sizeOnly) ctx.stdout.write(`${report.blockCount}\n`);
  else if (!req.quiet) {
    ctx.stderr.write(`${report.output === '-' ? 'standard output' : report.output}: ${formatBytes(report.byteLength)} (${report.blockCount} blocks), ${report.files} files, ${report.directories} directories in ${report.seconds.toFixed(1)} s\n`);
  }
  return Exit.OK;
}
