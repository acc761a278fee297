/**
 * Build options (one typed object, documented defaults) and their resolution.
 *
 * Defaults follow what `xorriso -as mkisofs -R -J` produces for a plain data disc: ISO 9660 level 3,
 * Joliet, Rock Ridge, deep directories kept in place (xorriso's `deep_paths` compliance default; see
 * `relocateDeepDirectories`), dates in UTC, 300 KiB of trailing padding.
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import type { TreeNode } from '../model/index.js';
import type { BootHook } from './hooks.js';
import { toDChars } from './iso9660/names/iso9660.js';
import { utf16Measure } from './iso9660/names/unique.js';

export type IsoLevel = 1 | 2 | 3 | 4;
export type RripVersion = '1.10' | '1.12';

export interface BuildOptions {
  /** ISO 9660 interchange level: 1 (8.3), 2 (31 chars), 3 (31 chars + multi-extent), 4 (ISO 9660:1999 EVD, 207-byte names). Default 3. */
  isoLevel?: IsoLevel;
  /** Joliet tree: true (64 UCS-2 units, default), 'long' (103 units, like -joliet-long) or false. */
  joliet?: boolean | 'long';
  /**
   * Joliet names keep characters outside the BMP as UTF-16 surrogate pairs (xorriso's `-joliet_utf16`). Default
   * false: UCS-2, each such character written as `_` like xorriso (libcdio and other strict readers reject
   * surrogates); the full name stays in Rock Ridge.
   */
  jolietUtf16?: boolean;
  /** Rock Ridge (POSIX names, modes, owners, times, symlinks, devices, hard links). Default true. */
  rockRidge?: boolean;
  /** RRIP version written by PX/ER. Default '1.12' (PX carries inode serials: hard links survive in bsdtar/Linux). */
  rripVersion?: RripVersion;
  /**
   * Move directories deeper than 8 levels into `/rr_moved` with RE/CL/PL (RRIP 4.1.5), as genisoimage -R does.
   * Default false: like xorriso's `deep_paths` compliance default, deep trees stay in place (every reader in the
   * test matrix — Linux, libarchive, 7-Zip, xorriso — reads them), and the Rock Ridge view is identical either way.
   * Forced on by `strictIso9660` for levels 1–3.
   */
  relocateDeepDirectories?: boolean;
  /** Enforce ECMA-119 limits (levels 1–3): the depth limit by relocation, the 255-character path limit as an error. Default false. */
  strictIso9660?: boolean;
  volumeId?: string;
  volumeSetId?: string;
  publisherId?: string;
  dataPreparerId?: string;
  applicationId?: string;
  systemId?: string;
  /**
   * The build date in ms (volume creation/modification dates; `SOURCE_DATE_EPOCH` × 1000 for reproducible builds).
   * Default: the newest mtime in the tree (keeps planImage pure); the CLI passes the clock or SOURCE_DATE_EPOCH.
   */
  dateMs?: number;
  /** Clamp every file time (mtime/atime/ctime) newer than `dateMs` to it (SOURCE_DATE_EPOCH semantics). Default false. */
  clampTimes?: boolean;
  /** Store identical contents once. Needs `contentKeys` from `findDuplicateContents()` (hashing is async). */
  contentKeys?: ReadonlyMap<TreeNode, string>;
  /** Trailing zero blocks after the file data (xorriso/genisoimage pad 150 blocks = 300 KiB). Default 150. */
  paddingBlockCount?: number;
  /** Hooks for bootable images (system area, extra descriptors/regions, file-content patches). */
  boot?: BootHook;
  /**
   * Add a UDF file system describing the same file data (a bridge image, like `genisoimage -udf` and Windows
   * media): true for UDF 1.02, or the revision. Default: no UDF.
   */
  udf?: boolean | UdfRevision;
  /**
   * Record symbolic links, devices, FIFOs and sockets in the UDF tree too (Linux reads them). Default false: like
   * Joliet, UDF then holds files and directories only — 7-Zip refuses to open a UDF volume with any other kind.
   */
  udfSpecialFiles?: boolean;
  /**
   * Files of 4 GiB and more in the ISO 9660 (and Joliet, Rock Ridge) tree: 'multi-extent' (default: several
   * records of 4 GiB − 2 KiB, ISO level 3 or 4), 'leave-out' (only UDF lists them) or 'limited-size' (one record
   * with the size's low 32 bits, genisoimage's `-allow-limited-size`: ISO 9660 readers see a wrong size). The
   * last two need `udf`; the data is stored once either way.
   */
  isoLargeFiles?: IsoLargeFiles;
  /**
   * The Windows media layout (oscdimg -u2): the file tree only in UDF, the ISO 9660 / Joliet trees hold one text
   * file telling readers without UDF what the disc is (no Rock Ridge unless `rockRidge: true`, as on Microsoft's
   * media: readers that prefer Rock Ridge to UDF then show the UDF tree). El Torito boot images are still the tree's
   * files (the entries point at the extents UDF lists). Implies `udf` (1.02 unless given). Default: off.
   */
  udfOnly?: boolean | { readonly readmeName?: string; readonly readme?: string | Uint8Array };
}

/** The text oscdimg puts into the ISO 9660 side of a UDF-only image (the Windows media README.TXT). */
export const UDF_ONLY_README = 'This disc contains a "UDF" file system and requires an operating system\r\nthat supports the ISO-13346 "UDF" file system specification.\r\n';

export type IsoLargeFiles = 'multi-extent' | 'leave-out' | 'limited-size';

/** UDF revisions the writer offers: 1.02 (Windows media, File Entries), 2.01 (NSR03), 2.50 (Extended File Entries and a metadata partition). */
export type UdfRevision = '1.02' | '2.01' | '2.50';
export const UDF_REVISIONS: readonly UdfRevision[] = ['1.02', '2.01', '2.50'];

export interface ResolvedOptions {
  readonly isoLevel: IsoLevel;
  readonly joliet: false | 64 | 103;
  /** Joliet names in UTF-16 (surrogate pairs) rather than UCS-2 */
  readonly jolietUtf16: boolean;
  readonly rockRidge: boolean;
  readonly rripVersion: RripVersion;
  readonly relocateDeep: boolean;
  /** ISO 9660 path lengths over 255 are an error instead of a finding */
  readonly strictIso9660: boolean;
  /** PVD volume id; the Joliet SVD's */
  readonly volumeId: string;
  readonly jolietVolumeId: string;
  readonly volumeSetId: string;
  readonly publisherId: string;
  readonly dataPreparerId: string;
  readonly applicationId: string;
  readonly systemId: string;
  readonly dateMs: number | undefined;
  readonly clampTimes: boolean;
  readonly contentKeys: ReadonlyMap<TreeNode, string> | undefined;
  readonly paddingBlockCount: number;
  readonly boot: BootHook | undefined;
  /** the UDF revision as recorded (0x0102, 0x0201, 0x0250), or undefined for no UDF */
  readonly udfRevision: number | undefined;
  readonly udfSpecialFiles: boolean;
  readonly isoLargeFiles: IsoLargeFiles;
  /** the ISO 9660 side's only file when the tree is in UDF only */
  readonly udfOnly: { readonly name: string; readonly bytes: Uint8Array } | undefined;
}

export const DEFAULT_APPLICATION_ID = 'ISOKIT';

function checkText(name: string, v: string | undefined, max: number): string {
  if (v === undefined) return '';
  if (typeof v !== 'string') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${name} must be a string`);
  if (v.length > max) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${name} is ${v.length} characters long; at most ${max} fit`);
  return v;
}

export function resolveOptions(o: BuildOptions, root: TreeNode): ResolvedOptions {
  const isoLevel = o.isoLevel ?? 3;
  if (![1, 2, 3, 4].includes(isoLevel)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `ISO level must be 1, 2, 3 or 4, got ${String(isoLevel)}`);
  const joliet = o.joliet === false ? false : o.joliet === 'long' ? 103 : 64;
  const rripVersion = o.rripVersion ?? '1.12';
  if (rripVersion !== '1.10' && rripVersion !== '1.12') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `RRIP version must be 1.10 or 1.12`);
  const padding = o.paddingBlockCount ?? 150;
  if (!Number.isSafeInteger(padding) || padding < 0) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `padding must be a block count ≥ 0`);
  if (o.dateMs !== undefined && !Number.isFinite(o.dateMs)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `build date is not a valid time`);
  return {
    isoLevel,
    joliet,
    jolietUtf16: o.jolietUtf16 ?? false,
    // a UDF-only layout's ISO 9660 side is one README: without Rock Ridge (as Microsoft's), so readers that
    // prefer Rock Ridge to UDF (isokit's automatic choice among them) show the UDF tree
    rockRidge: o.rockRidge ?? !o.udfOnly,
    rripVersion,
    relocateDeep: (o.rockRidge ?? !o.udfOnly) && isoLevel !== 4 && (o.relocateDeepDirectories ?? o.strictIso9660 ?? false),
    strictIso9660: isoLevel !== 4 && (o.strictIso9660 ?? false),
    volumeId: o.volumeId !== undefined ? checkText('volume id', o.volumeId, 32) : toDChars(root.name ?? '').slice(0, 32) || 'CDROM',
    jolietVolumeId: o.volumeId !== undefined ? o.volumeId : utf16Measure.truncate(root.name ?? '', 16) || 'CDROM',
    volumeSetId: checkText('volume set id', o.volumeSetId, 128),
    publisherId: checkText('publisher', o.publisherId, 128),
    dataPreparerId: checkText('preparer', o.dataPreparerId, 128),
    applicationId: checkText('application id', o.applicationId ?? DEFAULT_APPLICATION_ID, 128),
    systemId: checkText('system id', o.systemId, 32),
    dateMs: o.dateMs ?? newestMtime(root),
    clampTimes: o.clampTimes ?? false,
    contentKeys: o.contentKeys,
    paddingBlockCount: padding,
    boot: o.boot,
    udfRevision: udfRevisionOf(o.udf ?? (o.udfOnly ? true : undefined)),
    udfOnly: udfOnlyOf(o.udfOnly),
    udfSpecialFiles: o.udfSpecialFiles ?? false,
    isoLargeFiles: largeFilesOf(o),
  };
}

function largeFilesOf(o: BuildOptions): IsoLargeFiles {
  const v = o.isoLargeFiles ?? 'multi-extent';
  if (v !== 'multi-extent' && v !== 'leave-out' && v !== 'limited-size') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `isoLargeFiles must be multi-extent, leave-out or limited-size, got ${String(v)}`);
  if (v !== 'multi-extent' && (o.udf === undefined || o.udf === false) && !o.udfOnly) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `isoLargeFiles '${v}' needs UDF (the files are only complete there)`);
  return v;
}

function udfOnlyOf(v: BuildOptions['udfOnly']): ResolvedOptions['udfOnly'] {
  if (!v) return undefined;
  const o = v === true ? {} : v;
  const name = o.readmeName ?? 'README.TXT';
  if (!name || name.includes('/')) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `bad README name ${JSON.stringify(name)}`);
  const text = o.readme ?? UDF_ONLY_README;
  return { name, bytes: typeof text === 'string' ? new TextEncoder().encode(text) : text };
}

function udfRevisionOf(udf: BuildOptions['udf']): number | undefined {
  if (udf === undefined || udf === false) return undefined;
  const rev = udf === true ? '1.02' : udf;
  if (!UDF_REVISIONS.includes(rev)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `UDF revision must be ${UDF_REVISIONS.join(', ')}, got ${String(rev)}`);
  return parseInt(rev.replace('.', ''), 16);
}

function newestMtime(root: TreeNode): number | undefined {
  let best: number | undefined;
  const stack: TreeNode[] = [root];
  while (stack.length) {
    const n = stack.pop() as TreeNode;
    if (n.mtimeMs !== undefined && (best === undefined || n.mtimeMs > best)) best = n.mtimeMs;
    if (n.children) for (const c of n.children) stack.push(c);
  }
  return best;
}
