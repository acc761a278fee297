/**
 * CLI dispatcher. Commands live in ./commands/NAME.ts and are imported only when used (start-up cost:
 * `isokit ls` must not load the writer or OpenPGP). Errors become one line (or a JSON object with --json)
 * and an exit code: 0 ok, 1 failed, 2 usage, 3 verification/check failed, 130 interrupted.
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { Exit, UsageError, type CliContext, type CommandModule } from './context.js';

/** Every command, in the order `isokit help` lists them. */
export const COMMANDS = [
  'info', 'ls', 'cat', 'extract',
  'create', 'mkisofs', 'xorriso', 'remaster',
  'hash', 'verify', 'implant', 'check',
  'drives', 'write',
] as const;
const ALIASES: Record<string, string> = { list: 'ls', x: 'extract', '-as': 'xorriso' };

async function loadCommand(name: string): Promise<CommandModule | undefined> {
  if (!(COMMANDS as readonly string[]).includes(name)) return undefined;
  try {
    return (await import(`./commands/${name}.js`)) as CommandModule;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes(`commands/${name}.js`)) return undefined;
    throw e;
  }
}

async function help(ctx: CliContext, name?: string): Promise<number> {
  if (name) {
    const mod = await loadCommand(ALIASES[name] ?? name);
    if (!mod) throw new UsageError(`unknown command "${name}" (see: isokit help)`);
    ctx.stdout.write(mod.usage.trimEnd() + '\n');
    return Exit.OK;
  }
  const lines = ['isokit — create, inspect, extract, verify and write ISO disc images', '', 'usage: isokit COMMAND [options]', '', 'commands:'];
  for (const c of COMMANDS) {
    const mod = await loadCommand(c);
    if (mod) lines.push(`  ${c.padEnd(10)} ${mod.summary}`);
  }
  lines.push('', 'isokit help COMMAND (or isokit COMMAND --help) shows a command\'s options.', 'Every command takes --json for machine-readable output.');
  ctx.stdout.write(lines.join('\n') + '\n');
  return Exit.OK;
}

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

export async function main(argv: string[], ctxIn?: Partial<CliContext>): Promise<number> {
  const controller = new AbortController();
  const ctx: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    signal: controller.signal,
    ...ctxIn,
  };
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
  // A closed stdout (isokit ls | head) is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  try {
    const [first, ...rest] = argv;
    if (!first || first === 'help' || first === '--help' || first === '-h') return await help(ctx, first === 'help' ? rest[0] : undefined);
    if (first === '--version' || first === '-V' || first === 'version') {
      const { readFileSync } = await import('node:fs');
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      ctx.stdout.write(`isokit ${pkg.version}\n`);
      return Exit.OK;
    }
    const name = ALIASES[first] ?? first;
    const mod = await loadCommand(name);
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
