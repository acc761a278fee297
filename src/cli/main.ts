/**
 * The CLI entry with every command. Commands live in ./commands/NAME.ts and are imported only when used
 * (start-up cost: `isokit ls` must not load the writer or OpenPGP); run.ts dispatches.
 */
import { Exit, UsageError, type CliContext, type CommandModule } from './context.js';
import { ALIASES, runCli } from './run.js';

export { exitCodeFor, reportError } from './run.js';

/** Every command, in the order `isokit help` lists them. */
export const COMMANDS = [
  'info', 'ls', 'cat', 'extract',
  'create', 'mkisofs', 'xorriso', 'remaster',
  'hash', 'verify', 'implant', 'check',
  'drives', 'write', 'burn', 'rip',
  'ui',
] as const;

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

export function main(argv: string[], ctxIn?: Partial<CliContext>): Promise<number> {
  return runCli(argv, { load: loadCommand, help }, ctxIn);
}
