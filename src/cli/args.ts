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
  try {
    return parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...options },
      allowPositionals: opts.allowPositionals ?? true,
      strict: true,
    }) as unknown as ParsedArgs<O>;
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/^Unknown option/, 'unknown option');
    throw new UsageError(msg);
  }
}

export function intOption(value: string | undefined, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`${name} needs a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}
