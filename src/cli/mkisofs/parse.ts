/**
 * The mkisofs argument grammar: single-dash long options (`-iso-level 3`), the double-dash forms xorriso
 * adds (`--grub2-boot-info`; a surplus dash is stripped either way), `-name=VALUE`, fused flags (`-JR`),
 * attached short values (`-oOUT.iso`, `-VLABEL`) when unambiguous, `--` (the rest are path specs),
 * path specs anywhere, `DEST=SRC` graft points with `\=` / `\\` escapes (with -graft-points), and list
 * files (-path-list, -exclude-list, -hide-list, --sort-weight-list). Pure: files are read through
 * `ParseEnv.readTextFile`.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { globToRegExp } from '../../node/glob.js';
import { UsageError } from '../context.js';
import { BootBuilder } from './boot.js';
import { ATTACHABLE_SHORT, FUSABLE_FLAGS, PREFIX_OPTIONS, canonicalName, findOption, optionsStartingWith, OPTION_SPECS, type OptionSpec } from './options.js';
import type { GraftPoint, IgnoredOption, MkisofsInvocation, MkisofsRequest } from './types.js';

export interface ParseEnv {
  /** reads -path-list / -exclude-list / -hide-list / --sort-weight-list files; without it those options fail */
  readTextFile?: (path: string) => string;
  /** the command name used in messages ('mkisofs' or 'xorriso -as mkisofs') */
  program?: string;
  /** whose defaults to fill in: the volume id is 'CDROM' for mkisofs/genisoimage, 'ISOIMAGE' for xorriso */
  personality?: 'mkisofs' | 'xorriso';
}

const BOOT_OPTIONS = new Set([
  '-b', '-e', '--efi-boot', '-eltorito-alt-boot', '-eltorito-platform', '-no-emul-boot', '-hard-disk-boot', '-no-boot', '-boot-load-size',
  '-boot-load-seg', '-boot-info-table', '--grub2-boot-info', '-c', '--boot-catalog-hide', '-eltorito-id', '-eltorito-selcrit', '-G',
  '-isohybrid-mbr', '--grub2-mbr', '--protective-msdos-label', '--mbr-force-bootable', '-isohybrid-gpt-basdat', '-isohybrid-gpt-hfsplus',
  '-part_like_isohybrid', '-iso_mbr_part_type', '-partition_offset', '-partition_hd_cyl', '-partition_sec_hd', '-partition_cyl_align',
  '-append_partition', '-appended_part_as_gpt', '-appended_part_as_apm', '-efi-boot-part', '--gpt_disk_guid',
]);

/** Split a `DEST=SRC` graft point at the first unescaped '='; `\=` and `\\` are unescaped on both sides. */
export function parseGraftPoint(spec: string, graftPoints: boolean): GraftPoint {
  if (!graftPoints) return { source: spec };
  let i = 0;
  for (; i < spec.length; i++) {
    if (spec[i] === '\\') i++;
    else if (spec[i] === '=') break;
  }
  const unescape = (s: string) => s.replace(/\\([\\=])/g, '$1');
  if (i >= spec.length) return { source: unescape(spec) };
  const dest = unescape(spec.slice(0, i));
  const source = unescape(spec.slice(i + 1));
  if (!source) throw new UsageError(`graft point "${spec}" has no source after '='`);
  return { dest: dest.startsWith('/') ? dest : '/' + dest, source };
}

/** --modification-date=YYYYMMDDhhmmsscc (UTC, as xorriso) → ms. */
export function parseModificationDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) throw new UsageError(`--modification-date needs 16 digits YYYYMMDDhhmmsscc, got "${text}"`);
  const [y, mo, d, h, mi, s, cs] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s, cs * 10);
  const back = new Date(ms);
  if (mo < 1 || mo > 12 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw new UsageError(`--modification-date ${text} is not a valid date`);
  return ms;
}

interface State {
  env: ParseEnv;
  boot: BootBuilder;
  pathspecs: string[];
  graftPoints: boolean;
  output?: string;
  excludes: string[];
  hideIso: string[];
  hideJoliet: string[];
  follow: boolean;
  isoLevel?: number;
  fullNames: boolean;
  relax: string[];
  rock: boolean;
  rational: boolean;
  rrip?: '1.10' | '1.12';
  joliet: boolean;
  jolietLong: boolean;
  jolietUtf16: boolean;
  udf: boolean;
  allowLimitedSize: boolean;
  udfSymlinks: boolean;
  uid?: number;
  gid?: number;
  fileMode?: number;
  dirMode?: number;
  volume: Record<string, string>;
  modificationDateMs?: number;
  sortWeights: { weight: number; path: string }[];
  padding: boolean;
  printSize: boolean;
  quiet: boolean;
  verbose: boolean;
  ignored: IgnoredOption[];
  warnings: string[];
  help: boolean;
  version: boolean;
  printRequest: boolean;
  json: boolean;
}

function readLines(st: State, file: string, option: string): string[] {
  if (!st.env.readTextFile) throw new UsageError(`${option} needs to read ${file}, which is not possible here`);
  let text: string;
  try {
    text = st.env.readTextFile(file);
  } catch (e) {
    throw new IsoKitError(ErrorCode.NOT_FOUND, `${option} ${file}: ${(e as Error).message}`, { cause: e });
  }
  return text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l !== '');
}

function intArg(text: string, option: string, min = 0, max = 0xffffffff): number {
  if (!/^-?\d+$/.test(text)) throw new UsageError(`${option} needs a number, got "${text}"`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${option} must be from ${min} to ${max}, got ${n}`);
  return n;
}

function modeArg(text: string, option: string): number {
  if (!/^[0-7]{1,4}$/.test(text)) throw new UsageError(`${option} needs an octal mode like 0644, got "${text}"`);
  return parseInt(text, 8);
}

const VOLUME_FIELDS: Record<string, string> = {
  '-V': 'volumeId', '-volset': 'volumeSetId', '-A': 'applicationId', '-P': 'publisherId', '-p': 'dataPreparerId', '-sysid': 'systemId',
  '-copyright': 'copyrightFile', '-abstract': 'abstractFile', '-biblio': 'bibliographicFile',
};

/** Options that only set a flag or a value (no boot, no list files). */
function applySimple(st: State, name: string, spelled: string, args: readonly string[]): boolean {
  const a0 = args[0] as string;
  if (name in VOLUME_FIELDS) {
    st.volume[VOLUME_FIELDS[name] as string] = a0;
    return true;
  }
  switch (name) {
    case '-o': st.output = a0; break;
    case '-graft-points': st.graftPoints = true; break;
    case '-m': st.excludes.push(a0); break;
    case '-hide': st.hideIso.push(a0); break;
    case '-hide-joliet': st.hideJoliet.push(a0); break;
    case '-f': case '-posix-L': st.follow = true; break;
    case '-print-size': st.printSize = true; break;
    case '-pad': st.padding = true; break;
    case '-no-pad': st.padding = false; break;
    case '-quiet': st.quiet = true; break;
    case '-v': st.verbose = true; break;
    case '-help': st.help = true; break;
    case '-version': st.version = true; break;
    case '-iso-level': st.isoLevel = intArg(a0, spelled, 1, 4); break;
    case '-l': st.fullNames = true; break;
    case '-R': st.rock = true; break;
    case '-r': st.rock = true; st.rational = true; break;
    case '--norock': st.rock = false; st.rational = false; break;
    case '-rrip110': st.rrip = '1.10'; break;
    case '-rrip112': st.rrip = '1.12'; break;
    case '-J': st.joliet = true; break;
    case '-joliet-long': st.jolietLong = true; break;
    case '-joliet-utf16': st.jolietUtf16 = true; break;
    case '-udf': st.udf = true; break;
    case '-allow-limited-size': st.allowLimitedSize = true; st.udf = true; break;
    case '-udf-symlinks': st.udfSymlinks = true; break;
    case '-no-udf-symlinks': st.udfSymlinks = false; break;
    case '-D': break; // deep directories stay in place anyway
    case '-uid': st.uid = intArg(a0, spelled); break;
    case '-gid': st.gid = intArg(a0, spelled); break;
    case '-file-mode': st.fileMode = modeArg(a0, spelled); break;
    case '-dir-mode': st.dirMode = modeArg(a0, spelled); break;
    case '--modification-date=': st.modificationDateMs = parseModificationDate(a0); break;
    case '--sort-weight': st.sortWeights.push({ weight: intArg(a0, spelled, -0x80000000, 0x7fffffff), path: args[1] as string }); break;
    default: return false;
  }
  return true;
}

function applyListFile(st: State, name: string, spelled: string, file: string): boolean {
  switch (name) {
    case '-path-list': st.pathspecs.push(...readLines(st, file, spelled)); break;
    case '-exclude-list': st.excludes.push(...readLines(st, file, spelled)); break;
    case '-hide-list': st.hideIso.push(...readLines(st, file, spelled)); break;
    case '-hide-joliet-list': st.hideJoliet.push(...readLines(st, file, spelled)); break;
    case '--sort-weight-list':
      for (const line of readLines(st, file, spelled)) {
        const m = /^\s*(-?\d+)\s+(.+)$/.exec(line);
        if (!m) throw new UsageError(`${spelled} ${file}: expected "WEIGHT PATH", got "${line}"`);
        st.sortWeights.push({ weight: Number(m[1]), path: m[2] as string });
      }
      break;
    default: return false;
  }
  return true;
}

function dispatch(st: State, spec: OptionSpec, spelled: string, args: readonly string[]): void {
  const name = canonicalName(spec);
  if (spec.effect === 'unsupported') throw new IsoKitError(ErrorCode.UNSUPPORTED, `${spelled}: ${spec.text}`, { data: { option: spelled } });
  if (spec.effect === 'no-effect' || spec.effect === 'ignored') {
    st.ignored.push({ option: spelled, reason: spec.text });
    const w = `${spelled} ignored: ${spec.text}`;
    if (spec.effect === 'ignored' && !st.warnings.some((x) => x.endsWith(': ' + spec.text))) st.warnings.push(w);
    return;
  }
  if (BOOT_OPTIONS.has(name)) st.boot.apply(name, spelled, args);
  else if (!applySimple(st, name, spelled, args) && !applyListFile(st, name, spelled, args[0] as string)) {
    throw new Error(`mkisofs: option ${name} has no handler`);
  }
}

function unknown(token: string, program: string): UsageError {
  const near = optionsStartingWith(token.replace(/=.*$/, '').slice(0, 4)).slice(0, 3);
  const hint = near.length ? ` (did you mean ${near.join(', ')}?)` : '';
  return new UsageError(`${program}: unknown option ${token}${hint}; see: isokit mkisofs --help`);
}

/** Resolve one option token to its spec and any value attached to it. */
function resolve(token: string, program: string): { spec: OptionSpec; spelled: string; attached?: string } | { fused: string } {
  for (const p of PREFIX_OPTIONS) {
    const dash = p.startsWith('--') ? [p, p.slice(1)] : [p];
    for (const d of dash) if (token.startsWith(d)) return { spec: OPTION_SPECS.find((s) => s.names.includes(p)) as OptionSpec, spelled: p, attached: token.slice(d.length) };
  }
  const spec = findOption(token);
  if (spec) return { spec, spelled: token };
  const eq = token.indexOf('=');
  if (eq > 1) {
    const s = findOption(token.slice(0, eq));
    if (s && s.args === 1) return { spec: s, spelled: token.slice(0, eq), attached: token.slice(eq + 1) };
  }
  if (/^-[^-]/.test(token) && token.length > 2 && [...token.slice(1)].every((ch) => FUSABLE_FLAGS.includes(ch))) return { fused: token.slice(1) };
  const short = token.slice(0, 2);
  if (ATTACHABLE_SHORT.has(short) && token.length > 2 && !optionsStartingWith(token.slice(0, 3)).length) {
    return { spec: findOption(short) as OptionSpec, spelled: short, attached: token.slice(2) };
  }
  throw unknown(token, program);
}

function newState(env: ParseEnv): State {
  return {
    env, boot: new BootBuilder(), pathspecs: [], graftPoints: false, excludes: [], hideIso: [], hideJoliet: [], follow: false, fullNames: false,
    relax: [], rock: false, rational: false, joliet: false, jolietLong: false, jolietUtf16: false, udf: false, allowLimitedSize: false, udfSymlinks: false, volume: {}, sortWeights: [], padding: true, printSize: false,
    quiet: false, verbose: false, ignored: [], warnings: [], help: false, version: false, printRequest: false, json: false,
  };
}

function scan(st: State, argv: readonly string[], program: string): void {
  let rest = false;
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i] as string;
    if (rest || tok === '-' || (!tok.startsWith('-') && !tok.startsWith('isolinux_mbr='))) {
      st.pathspecs.push(tok);
      continue;
    }
    if (tok === '--') {
      rest = true;
      continue;
    }
    if (tok === '--print-request') {
      st.printRequest = true;
      continue;
    }
    if (tok === '--json') {
      st.json = true;
      continue;
    }
    const r = resolve(tok, program);
    if ('fused' in r) {
      for (const ch of r.fused) dispatch(st, findOption('-' + ch) as OptionSpec, '-' + ch, []);
      continue;
    }
    // an attached value counts as the first argument; prefix options (--modification-date=…) carry theirs
    const need = r.attached !== undefined && r.spec.args > 0 ? r.spec.args - 1 : r.spec.args;
    if (i + need >= argv.length) throw new UsageError(`${program}: ${r.spelled} needs ${r.spec.args} argument${r.spec.args > 1 ? 's' : ''}`);
    const args = [...(r.attached !== undefined ? [r.attached] : []), ...argv.slice(i + 1, i + 1 + need)];
    i += need;
    dispatch(st, r.spec, r.spelled, args);
  }
}

function hideMatcher(patterns: readonly string[]): (isoPath: string) => boolean {
  const res = patterns.map((p) => ({ leaf: !p.replace(/^\/+|\/+$/g, '').includes('/'), re: globToRegExp(p) }));
  return (isoPath) => {
    const rel = isoPath.replace(/^\/+/, '');
    const leaf = rel.slice(rel.lastIndexOf('/') + 1);
    return res.some((x) => x.re.test(x.leaf ? leaf : rel));
  };
}

/** Patterns that name exactly the boot catalog are about the catalog only; the rest hide files. */
function fileHidePatterns(patterns: readonly string[], catalogPath: string | undefined): string[] {
  if (!catalogPath) return [...patterns];
  const rel = catalogPath.replace(/^\/+/, '');
  const leaf = rel.slice(rel.lastIndexOf('/') + 1);
  return patterns.filter((p) => {
    const q = p.replace(/^\/+/, '');
    return q !== rel && q !== leaf;
  });
}

function buildRequest(st: State): MkisofsRequest {
  const isHidden = { iso: hideMatcher(st.hideIso), joliet: hideMatcher(st.hideJoliet) };
  const boot = st.boot.finish((p, joliet) => (joliet ? isHidden.joliet(p) : isHidden.iso(p)));
  st.warnings.push(...st.boot.warnings);
  let isoLevel = (st.isoLevel ?? 1) as 1 | 2 | 3 | 4;
  if (st.fullNames && isoLevel < 2) isoLevel = 2;
  if (st.jolietLong && !st.joliet) st.warnings.push('-joliet-long has no effect without -J');
  if (st.jolietUtf16 && !st.joliet) st.warnings.push('-joliet-utf16 has no effect without -J');
  const relaxations = st.ignored.filter((x) => x.reason.startsWith('isokit writes conforming ISO 9660 names')).map((x) => x.option);
  const catalogPath = boot?.catalog?.path;
  return {
    output: st.output ?? '-',
    sources: st.pathspecs.map((p) => parseGraftPoint(p, st.graftPoints)),
    excludes: st.excludes,
    hide: { iso9660: fileHidePatterns(st.hideIso, catalogPath), joliet: fileHidePatterns(st.hideJoliet, catalogPath) },
    followLinks: st.follow,
    isoLevel,
    iso9660Relaxations: relaxations,
    rockRidge: st.rock,
    rationalRock: st.rational,
    ...(st.rrip ? { rripVersion: st.rrip } : {}),
    relocateDeepDirectories: false,
    joliet: st.joliet,
    jolietLong: st.jolietLong,
    jolietUtf16: st.jolietUtf16,
    udf: st.udf,
    allowLimitedSize: st.allowLimitedSize,
    udfSymlinks: st.udfSymlinks,
    ...(st.uid !== undefined ? { uid: st.uid } : {}),
    ...(st.gid !== undefined ? { gid: st.gid } : {}),
    ...(st.fileMode !== undefined ? { fileMode: st.fileMode } : {}),
    ...(st.dirMode !== undefined ? { dirMode: st.dirMode } : {}),
    volume: { ...st.volume, volumeId: st.volume.volumeId ?? (st.env.personality === 'xorriso' ? 'ISOIMAGE' : 'CDROM') },
    ...(st.modificationDateMs !== undefined ? { modificationDateMs: st.modificationDateMs } : {}),
    ...(boot ? { boot } : {}),
    sortWeights: st.sortWeights,
    padding: st.padding,
    printSize: st.printSize,
    quiet: st.quiet,
    verbose: st.verbose,
    ignored: st.ignored,
    warnings: st.warnings,
  };
}

/**
 * Parse a mkisofs / genisoimage / `xorriso -as mkisofs` argument vector.
 * Throws UsageError (exit 2) for unknown options and bad values, IsoKitError UNSUPPORTED for known options
 * isokit cannot honour (HFS, jigdo, multi-session, other architectures' boot blocks).
 */
export function parseMkisofsArgs(argv: readonly string[], env: ParseEnv = {}): MkisofsInvocation {
  const program = env.program ?? 'mkisofs';
  const st = newState(env);
  scan(st, argv, program);
  if (st.help) return { action: 'help' };
  if (st.version) return { action: 'version' };
  if (!st.pathspecs.length) throw new UsageError(`${program}: no path spec given (the folders and files to put into the image); see: isokit mkisofs --help`);
  return { action: 'build', request: buildRequest(st), printRequest: st.printRequest, json: st.json };
}
