import type { CliContext } from '../context.js';

export const summary = 'mkisofs / genisoimage compatible front end (same options, same image)';
export const usage = `usage: isokit mkisofs [mkisofs options] PATHSPEC…

Accepts mkisofs / genisoimage / "xorriso -as mkisofs" command lines as build scripts write them
(-R -J -V LABEL -o OUT.iso DIR, -graft-points DEST=SRC, -b/-c/-no-emul-boot…). Unknown options are
errors (exit 2). "isokit mkisofs -help" lists every option and what isokit does with it.
isokit extensions: --print-request (print the parsed request as JSON, build nothing), --json.
`;

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { runMkisofsCommand } = await import('../mkisofs/command.js');
  return runMkisofsCommand(argv, ctx, { program: 'mkisofs', personality: 'mkisofs' });
}
