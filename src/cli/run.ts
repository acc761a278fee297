/**
 * The CLI dispatcher: one command line to one command module, errors to one line (or a JSON object with
 * --json) and an exit code: 0 ok, 1 failed, 2 usage, 3 verification/check failed, 130 interrupted. The
 * entries (main.ts: every command; main-ls.ts: `isokit ls` alone, the quick start of a listing) say how
 * commands are found.
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { Exit, UsageError, type CliContext, type CommandModule } from './context.js';

export const ALIASES: Record<string, string> = { list: 'ls', x: 'extract', '-as': 'xorriso' };

export function exitCodeFor(e: unknown): number {
  if (e instanceof UsageError) return Exit.USAGE;
  if (e instanceof IsoKitError) {
    if (e.code === ErrorCode.INVALID_ARGUMENT) return Exit.USAGE;
    if (e.code === ErrorCode.ABORTED) return Exit.INTERRUPTED;
    if (e.code === ErrorCode.VERIFY_FAILED) return Exit.CHECK_FAILED;
  }
  return Exit.FAILED;
}

export function reportError(ctx: CliContext, e: unknown, json: boolean): number {
  const code = exitCodeFor(e);
  const err =
    e instanceof IsoKitError
      ? e
      : new IsoKitError(ErrorCode.INTERNAL, `internal error: ${(e as Error)?.message ?? String(e)} (set ISOKIT_DEBUG=1 for a stack trace)`, { cause: e });
  if (json) ctx.stdout.write(JSON.stringify({ ok: false, error: err.toJSON(), exitCode: code }) + '\n');
  else ctx.stderr.write(`isokit: ${code === Exit.USAGE ? 'usage error: ' : 'error: '}${err.message}\n`);
  if (ctx.env.ISOKIT_DEBUG && e instanceof Error) ctx.stderr.write((e.stack ?? '') + '\n');
  return code;
}

/** How a CLI entry finds its commands. */
export interface Commands {
  load(name: string): Promise<CommandModule | undefined>;
  /** `isokit help [COMMAND]` */
  help(ctx: CliContext, name?: string): Promise<number>;
}

/** The `main` of a CLI entry that has one command only (main-ls.ts, main-create.ts): its usage is its help. */
export function singleCommand(name: string, mod: CommandModule): (argv: string[], ctxIn?: Partial<CliContext>) => Promise<number> {
  const commands: Commands = {
    load: async (n) => (n === name ? mod : undefined),
    help: async (ctx) => {
      ctx.stdout.write(mod.usage.trimEnd() + '\n');
      return Exit.OK;
    },
  };
  return (argv, ctxIn) => runCli(argv, commands, ctxIn);
}

/**
 * The context of a command: what `ctxIn` gives, else the process's streams. These are made when first
 * used (Node builds process.stdin and process.stdout on first access, 5–20 ms that `isokit ls` into a
 * file never needs); `stdoutFd` then says that stdout is descriptor 1.
 */
function processContext(signal: AbortSignal, ctxIn: Partial<CliContext> | undefined): CliContext {
  const ctx = { env: process.env, signal, ...ctxIn } as CliContext;
  const lazy = <K extends 'stdout' | 'stderr' | 'stdin'>(key: K, make: () => CliContext[K]) => {
    if (ctxIn?.[key]) return;
    let made: CliContext[K] | undefined;
    Object.defineProperty(ctx, key, { enumerable: true, get: () => (made ??= make()) });
  };
  lazy('stdout', () => {
    // A closed stdout (isokit ls | head) is not an error.
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
    });
    return process.stdout;
  });
  lazy('stderr', () => process.stderr);
  lazy('stdin', () => process.stdin);
  if (!ctxIn?.stdout) ctx.stdoutFd = 1;
  return ctx;
}

/** Run one command line: the dispatcher shared by the CLI entries (main.ts, main-ls.ts). */
export async function runCli(argv: string[], commands: Commands, ctxIn?: Partial<CliContext>): Promise<number> {
  const controller = new AbortController();
  const ctx = processContext(controller.signal, ctxIn);
  const json = argv.includes('--json');
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(Exit.INTERRUPTED);
    controller.abort(new IsoKitError(ErrorCode.ABORTED, `interrupted by ${sig}`));
  };
  if (!ctxIn?.signal) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  try {
    const [first, ...rest] = argv;
    if (!first || first === 'help' || first === '--help' || first === '-h') return await commands.help(ctx, first === 'help' ? rest[0] : undefined);
    if (first === '--version' || first === '-V' || first === 'version') {
      const { readFileSync } = await import('node:fs');
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      ctx.stdout.write(`isokit ${pkg.version}\n`);
      return Exit.OK;
    }
    const name = ALIASES[first] ?? first;
    const mod = await commands.load(name);
    if (!mod) throw new UsageError(`unknown command "${first}" (see: isokit help)`);
    if (name !== 'mkisofs' && name !== 'xorriso' && (rest.includes('--help') || rest.includes('-h'))) {
      ctx.stdout.write(mod.usage.trimEnd() + '\n');
      return Exit.OK;
    }
    const code = await mod.run(rest, ctx);
    if (controller.signal.aborted) return Exit.INTERRUPTED;
    return code;
  } catch (e) {
    if (controller.signal.aborted) {
      ctx.stderr.write('isokit: interrupted\n');
      return Exit.INTERRUPTED;
    }
    return reportError(ctx, e, json);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
