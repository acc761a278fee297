/**
 * parseCommandArgs' fast path (parseSimpleArgs, src/cli/args.ts) gives what node:util parseArgs gives:
 * the same values (null prototype, key order), positionals and usage errors, on argument lists drawn from
 * its grammar and from outside it, for declarations like those of the commands (and some odd ones: a
 * short shared by two options, a multiple boolean, a short '-', a default, no positionals). On lists
 * inside its grammar it must apply (else a fast path that never fires would pass).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import fc from 'fast-check';
import { parseCommandArgs, parseSimpleArgs } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/context.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };

/** parseCommandArgs as it was before the fast path: parseArgs, its errors as one-line usage errors. */
function viaParseArgs(argv: string[], options: Options, allowPositionals = true): { values: object; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options: { ...COMMON, ...options }, allowPositionals, strict: true });
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/^Unknown option/, 'unknown option');
    throw new UsageError(msg);
  }
}

interface Case { name: string; options: Options; allowPositionals: boolean }
const CASES: Case[] = [
  { name: 'ls', allowPositionals: true, options: { long: { type: 'boolean', short: 'l' }, recursive: { type: 'boolean', short: 'R' }, namespace: { type: 'string' } } },
  {
    name: 'extract',
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' }, overwrite: { type: 'boolean' }, 'no-permissions': { type: 'boolean' }, devices: { type: 'boolean' },
      'boot-images': { type: 'string' }, namespace: { type: 'string' },
    },
  },
  {
    name: 'write-like',
    allowPositionals: true,
    options: { yes: { type: 'boolean', short: 'y' }, verify: { type: 'boolean' }, 'no-verify': { type: 'boolean' }, force: { type: 'boolean', short: 'f' }, keyring: { type: 'string', multiple: true } },
  },
  {
    name: 'odd declarations',
    allowPositionals: true,
    options: {
      verbose: { type: 'boolean', short: 'v', multiple: true },
      name: { type: 'string', short: 'n' },
      names: { type: 'boolean', short: 'n' }, // shadowed: -n is --name
      all: { type: 'boolean', short: 'a' },
      x: { type: 'boolean' }, // parseArgs reads -x as --x
      'a=b': { type: 'boolean', short: 'e' },
      minus: { type: 'boolean', short: '-' }, // never read: -a- is -a --
      '': { type: 'boolean', short: 'E' }, // -E is --'' (but -- ends the options)
      help: { type: 'boolean', short: 'H' }, // replaces the common --help in place
      q: { type: 'boolean', short: 'h' }, // so -h is --q
    },
  },
  { name: 'a default', allowPositionals: true, options: { level: { type: 'string', default: '3' }, quiet: { type: 'boolean', short: 'q' } } },
  { name: 'no positionals (drives)', allowPositionals: false, options: { all: { type: 'boolean' } } },
];

/** The fast path's grammar for a declaration: --name of a boolean without `multiple`, short letters that find one. */
function grammar(options: Options): { longs: string[]; shorts: string[] } {
  const all = Object.entries({ ...COMMON, ...options });
  const plain = (name: string) => {
    const o = all.find(([n]) => n === name)?.[1];
    return o?.type === 'boolean' && !o.multiple && name !== '' && !name.startsWith('no-') && !name.includes('=') && o.default === undefined;
  };
  const longs = all.map(([n]) => n).filter(plain);
  const letters = [...new Set(all.map(([, o]) => o.short).filter((s): s is string => s !== undefined && s !== '-'))];
  const shorts = letters.filter((s) => plain(all.find(([, o]) => o.short === s)?.[0] as string));
  return { longs, shorts };
}

const positional = fc.oneof(
  fc.constantFrom('img.iso', '/dir', 'a b', 'x=1', '-', 'ünï', '/'),
  fc.string({ minLength: 1, maxLength: 6, unit: 'grapheme-ascii' }).filter((s) => !s.startsWith('-')),
);

function simpleArg(c: Case): fc.Arbitrary<string> {
  const { longs, shorts } = grammar(c.options);
  const parts: fc.Arbitrary<string>[] = [fc.constantFrom(...longs).map((n) => `--${n}`)];
  if (shorts.length) parts.push(fc.array(fc.constantFrom(...shorts), { minLength: 1, maxLength: 4 }).map((l) => `-${l.join('')}`));
  if (c.allowPositionals) parts.push(positional);
  return fc.oneof(...parts);
}

function outsideArg(c: Case): fc.Arbitrary<string> {
  const { shorts } = grammar(c.options);
  const names = Object.keys({ ...COMMON, ...c.options });
  const letters = [...Object.values({ ...COMMON, ...c.options }).flatMap((o) => (o.short ? [o.short] : [])), 'z', '-', '1', '='];
  return fc.oneof(
    fc.constantFrom('--', '-', '', '--x=1', '--unknown', '--no-long', '--no-json', '--json=false', '-1', '-z', '---', '---long', '--=x', '-=', '--__proto__', '--constructor', '--toString', '-l-', '-l-R', 'rr', '-o', '-ol', '-lo', '-lon', '-nl', '-ln'),
    fc.constantFrom(...names).map((n) => `--${n}`),
    fc.tuple(fc.constantFrom(...names), fc.constantFrom('', '1', 'rr', '-l')).map(([n, v]) => `--${n}=${v}`),
    fc.array(fc.constantFrom(...letters), { minLength: 1, maxLength: 4 }).map((l) => `-${l.join('')}`),
    fc.array(fc.constantFrom(...shorts, '-'), { minLength: 1, maxLength: 4 }).map((l) => `-${l.join('')}`),
    fc.string({ maxLength: 5 }).map((s) => `-${s}`),
    fc.string({ maxLength: 6 }),
  );
}

type Outcome = { error: string } | { resultKeys: string[]; proto: unknown; keys: string[]; values: object; positionals: string[] };
function outcome(parse: () => { values: object; positionals: string[] }): Outcome {
  try {
    const r = parse();
    return { resultKeys: Object.keys(r), proto: Object.getPrototypeOf(r.values), keys: Object.keys(r.values), values: r.values, positionals: r.positionals };
  } catch (e) {
    return { error: e instanceof UsageError ? e.message : `not a UsageError: ${String(e)}` };
  }
}

test('parseCommandArgs: the same values (prototype and key order too), positionals and errors as parseArgs', () => {
  for (const c of CASES) {
    const argv = fc.array(fc.oneof({ arbitrary: simpleArg(c), weight: 3 }, { arbitrary: outsideArg(c), weight: 1 }), { maxLength: 6 });
    fc.assert(
      fc.property(argv, (args) => {
        assert.deepStrictEqual(outcome(() => parseCommandArgs(args, c.options, { allowPositionals: c.allowPositionals })), outcome(() => viaParseArgs(args, c.options, c.allowPositionals)), c.name);
      }),
      { numRuns: 400 },
    );
  }
});

test('parseSimpleArgs applies to every list in its grammar, and agrees with parseArgs there', () => {
  for (const c of CASES.filter((c) => c.name !== 'a default')) {
    fc.assert(
      fc.property(fc.array(simpleArg(c), { maxLength: 6 }), (args) => {
        const fast = parseSimpleArgs(args, { ...COMMON, ...c.options }, c.allowPositionals);
        assert.notEqual(fast, undefined, `${c.name}: ${JSON.stringify(args)}`);
        assert.deepStrictEqual(outcome(() => fast as NonNullable<typeof fast>), outcome(() => viaParseArgs(args, c.options, c.allowPositionals)), c.name);
      }),
      { numRuns: 300 },
    );
  }
  // …and not to a declaration with a default (parseArgs fills it in)
  assert.equal(parseSimpleArgs(['-q'], { ...COMMON, level: { type: 'string', default: '3' }, quiet: { type: 'boolean', short: 'q' } }, true), undefined);
});

test('parseCommandArgs: -lR img.iso /dir (ls options)', () => {
  const ls = { long: { type: 'boolean', short: 'l' }, recursive: { type: 'boolean', short: 'R' }, namespace: { type: 'string' } } as const;
  const argv = ['-lR', 'img.iso', '/dir'];
  assert.notEqual(parseSimpleArgs(argv, { ...COMMON, ...ls }, true), undefined, 'the fast path applies');
  const { values, positionals } = parseCommandArgs(argv, ls);
  assert.equal(Object.getPrototypeOf(values), null);
  assert.deepStrictEqual(Object.keys(values), ['long', 'recursive']);
  assert.deepStrictEqual({ ...values }, { long: true, recursive: true });
  assert.deepStrictEqual(positionals, ['img.iso', '/dir']);
  assert.throws(() => parseCommandArgs(['-lR', '--namespace'], ls), { name: 'UsageError', message: "Option '--namespace <value>' argument missing" });
});

test('parseCommandArgs calls parseArgs only outside the simple grammar', () => {
  // (the binding args.ts imported follows node:util's exports after syncBuiltinESMExports)
  const util = createRequire(import.meta.url)('node:util') as { parseArgs: typeof parseArgs };
  const original = util.parseArgs;
  let calls = 0;
  util.parseArgs = ((config) => (calls++, original(config))) as typeof parseArgs;
  syncBuiltinESMExports();
  try {
    const ls = { long: { type: 'boolean', short: 'l' }, recursive: { type: 'boolean', short: 'R' }, namespace: { type: 'string' } } as const;
    for (const argv of [['-lR', 'img.iso', '/dir'], ['img.iso', '-l', '--recursive', '--json'], ['-h'], ['--help'], [], ['-', '-R']]) parseCommandArgs(argv, ls);
    assert.equal(calls, 0);
    for (const argv of [['--namespace', 'rr', 'img.iso'], ['--', '-l'], ['-lR', '--json=1'], ['-x']]) assert.ok(outcome(() => parseCommandArgs(argv, ls)));
    assert.equal(calls, 4);
  } finally {
    util.parseArgs = original;
    syncBuiltinESMExports();
  }
});
