import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { Exit, UsageError, type CliContext } from '../context.js';

export const summary = 'xorriso compatible front end: "isokit xorriso -as mkisofs …" (as grub-mkrescue calls it)';
export const usage = `usage: isokit xorriso -as mkisofs [mkisofs options] PATHSPEC… [--]
       isokit xorriso -version | -help

Emulates "xorriso -as mkisofs" (also -as genisoimage / xorrisofs) with the options of isokit mkisofs.
A few harmless xorriso settings may come before -as (-report_about, -abort_on, -return_with, -no_rc);
any other native xorriso command is refused. To use it from grub-mkrescue:
  printf '#!/bin/sh\\nexec isokit xorriso "$@"\\n' > /usr/local/bin/isokit-xorriso; chmod +x …
  grub-mkrescue --xorriso=/usr/local/bin/isokit-xorriso -o rescue.iso
`;

const PERSONALITIES = new Set(['mkisofs', 'genisoimage', 'genisofs', 'xorrisofs']);
const OTHER_PERSONALITIES = new Set(['cdrecord', 'wodim', 'cdrskin', 'xorrecord']);
/** Native settings that may precede -as: name → argument count. */
const HARMLESS: Record<string, number> = { '-report_about': 1, '-abort_on': 1, '-return_with': 2, '-no_rc': 0, '--no_rc': 0, '-pacifier': 1, '-stdio_sync': 1 };
const QUIET_LEVELS = new Set(['SORRY', 'FAILURE', 'FATAL', 'ABORT', 'NEVER']);

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { runMkisofsCommand, xorrisoVersionText } = await import('../mkisofs/command.js');
  const prepend: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i] as string;
    if (tok === '-version' || tok === '--version') {
      ctx.stdout.write(xorrisoVersionText());
      return Exit.OK;
    }
    if (tok === '-help' || tok === '--help' || tok === '-h') {
      ctx.stdout.write(usage);
      return Exit.OK;
    }
    if (tok === '-as') {
      const who = argv[i + 1];
      if (who === undefined) throw new UsageError('xorriso: -as needs a personality (mkisofs)');
      if (OTHER_PERSONALITIES.has(who)) throw new IsoKitError(ErrorCode.UNSUPPORTED, `xorriso -as ${who}: only -as mkisofs is supported (to write an image to a drive or USB stick: isokit write)`);
      if (!PERSONALITIES.has(who)) throw new UsageError(`xorriso: unknown -as personality "${who}" (only -as mkisofs is supported)`);
      const rest = argv.slice(i + 2);
      const end = rest.indexOf('--');
      const after = end < 0 ? [] : rest.slice(end + 1);
      if (after.length) throw new UsageError(`xorriso: native xorriso commands after "-as ${who} … --" are not supported: ${after[0]}`);
      return runMkisofsCommand(end < 0 ? rest : rest.slice(0, end), ctx, { program: `xorriso -as ${who}`, personality: 'xorriso', prepend });
    }
    const n = HARMLESS[tok];
    if (n === undefined) {
      throw new UsageError(`xorriso: native xorriso command ${tok} is not supported; isokit xorriso only emulates "xorriso -as mkisofs …" (see isokit help for info, ls, extract, create)`);
    }
    if (i + n >= argv.length) throw new UsageError(`xorriso: ${tok} needs ${n} argument${n > 1 ? 's' : ''}`);
    if (tok === '-report_about' && QUIET_LEVELS.has((argv[i + 1] as string).toUpperCase()) && !prepend.length) prepend.push('-quiet');
    i += n;
  }
  throw new UsageError('xorriso: only "isokit xorriso -as mkisofs …" is supported (and -version, -help)');
}
