import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './context.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs with one-line usage errors. Every command also accepts --json and --help.
 */
export type ArgValues<O extends Options> = {
  [K in keyof O]?: O[K] extends { type: 'string'; multiple: true }
    ? string[]
    : O[K] extends { type: 'string' }
      ? string
      : O[K] extends { multiple: true }
        ? boolean[]
        : boolean;
} & { json?: boolean; help?: boolean };

export interface ParsedArgs<O extends Options> {
  values: ArgValues<O>;
  positionals: string[];
}

export function parseCommandArgs<const O extends Options>(argv: string[], options: O, opts: { allowPositionals?: boolean } = {}): ParsedArgs<O> {
  const all: Options = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...options };
  const allowPositionals = opts.allowPositionals ?? true;
  const simple = parseSimpleArgs(argv, all, allowPositionals);
  if (simple) return simple as unknown as ParsedArgs<O>;
  try {
    return parseArgs({ args: argv, options: all, allowPositionals, strict: true }) as unknown as ParsedArgs<O>;
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/^Unknown option/, 'unknown option');
    throw new UsageError(msg);
  }
}

/** A declaration's own property, as parseArgs reads it. */
const own = (o: object, key: string): unknown => (Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined);

/**
 * The common argument lists (positionals, `-`, `--name` and `-abc` of boolean options) without
 * node:util parseArgs: its first call in a process costs Node 1–2 ms (it loads and compiles its parse_args modules),
 * a tenth of what `isokit ls` adds to Node's start. Gives what parseArgs (strict) gives: `values` with a
 * null prototype, keys in first-seen order, a repeated boolean still `true`. Undefined for anything else,
 * which parseArgs then decides (errors included): `--`, `--name=value`, string, multiple or unknown
 * options, `--no-name`, '', a declaration with a default or one parseArgs would reject.
 * test/cli/args-fast.test.ts checks it against parseArgs.
 */
export function parseSimpleArgs(argv: readonly string[], options: Options, allowPositionals: boolean): { values: Record<string, boolean>; positionals: string[] } | undefined {
  const flags = new Set<string>(); // boolean options without `multiple`, by long name
  const shorts = new Map<string, string>(); // short letter → the first option declaring it (as parseArgs finds it)
  for (const [name, o] of Object.entries(options)) {
    if (typeof o !== 'object' || o === null || Array.isArray(o) || own(o, 'default') !== undefined) return undefined;
    const type = own(o, 'type'), short = own(o, 'short'), multiple = own(o, 'multiple');
    if (type !== 'boolean' && type !== 'string') return undefined;
    if (Object.hasOwn(o, 'short') && (typeof short !== 'string' || short.length !== 1)) return undefined;
    if (Object.hasOwn(o, 'multiple') && typeof multiple !== 'boolean') return undefined;
    // names left to parseArgs: '' (`--` ends the options), a=b (`--a=b` is --a with a value), no-x, __proto__
    // (string tests, not a regular expression: compiling one costs a first call ≈ 0.1 ms)
    const plainName = name !== '' && !name.includes('=') && !name.startsWith('no-') && name !== '__proto__';
    if (type === 'boolean' && !multiple && plainName) flags.add(name);
    if (typeof short === 'string' && !shorts.has(short)) shorts.set(short, name);
  }
  const values: Record<string, boolean> = Object.create(null);
  const positionals: string[] = [];
  for (const arg of argv) {
    if (arg === '-' || (arg !== '' && arg[0] !== '-')) {
      if (!allowPositionals) return undefined;
      positionals.push(arg);
    } else if (arg.startsWith('--')) {
      if (!flags.has(arg.slice(2))) return undefined;
      values[arg.slice(2)] = true;
    } else if (arg.length > 1) {
      for (let i = 1; i < arg.length; i++) {
        // (a '-' in a cluster ends the options: parseArgs reads -l- as -l --)
        const name = arg[i] === '-' ? undefined : shorts.get(arg.charAt(i));
        if (name === undefined || !flags.has(name)) return undefined;
        values[name] = true;
      }
    } else return undefined; // ''
  }
  return { values, positionals };
}

export function intOption(value: string | undefined, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`${name} needs a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}
