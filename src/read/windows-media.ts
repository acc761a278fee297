/**
 * Windows install media, recognised from the file tree an ISO's UDF volume holds (Microsoft's oscdimg
 * images keep the real files in UDF; the ISO 9660 tree holds only README.TXT). Browser-safe.
 *
 * The signs (what Rufus checks in `src/iso.c`, research note windows-udf.md §2.1): the boot managers
 * `bootmgr` (BIOS) and `bootmgr.efi`, the UEFI loader `efi/boot/bootx64.efi` (or another architecture's
 * `efi/boot/boot*.efi`), and Setup's image `sources/install.wim`, `install.esd` or a split `install.swm`.
 * Media is Windows install media when it has the install image and at least one boot manager or UEFI loader.
 */
import { Findings } from '../errors/index.js';
import type { ByteSource } from '../io/index.js';
import type { TreeNode } from '../model/index.js';
import { detectUdf, openUdfVolume } from './udf/index.js';

export type WindowsInstallImageKind = 'wim' | 'esd' | 'swm';

export interface WindowsInstallImage {
  /** path in the tree, as spelled there (e.g. "sources/install.wim") */
  readonly path: string;
  readonly kind: WindowsInstallImageKind;
  readonly byteLength: number;
  readonly node: TreeNode;
}

export interface WindowsMediaDetection {
  /** install image plus a boot manager or a UEFI loader */
  readonly isWindowsMedia: boolean;
  readonly bootmgr: boolean;
  readonly bootmgrEfi: boolean;
  /** paths of `efi/boot/boot*.efi` loaders found (e.g. "efi/boot/bootx64.efi") */
  readonly uefiLoaders: readonly string[];
  /** `efi/boot/bootx64.efi`: the loader x86-64 UEFI firmware starts from a stick */
  readonly uefiX64: boolean;
  readonly installImage: WindowsInstallImage | undefined;
  /** one line for the user: what was found */
  readonly summary: string;
}

/** A child by name, ignoring ASCII case (Windows media mix `EFI`, `efi`, `Sources`). */
function child(dir: TreeNode | undefined, name: string): TreeNode | undefined {
  const kids = dir?.children;
  if (!kids) return undefined;
  const lower = name.toLowerCase();
  return kids.find((k) => k.name === name) ?? kids.find((k) => k.name.toLowerCase() === lower);
}

const isFile = (n: TreeNode | undefined): n is TreeNode => n?.kind === 'file';

/** Look for Windows install media in a tree (the root of an ISO's UDF volume). */
export function detectWindowsMedia(root: TreeNode): WindowsMediaDetection {
  const bootmgr = isFile(child(root, 'bootmgr'));
  const bootmgrEfi = isFile(child(root, 'bootmgr.efi'));
  const efiBoot = child(child(root, 'efi'), 'boot');
  const uefiLoaders = (efiBoot?.children ?? [])
    .filter((k) => k.kind === 'file' && /^boot[a-z0-9]+\.efi$/i.test(k.name))
    .map((k) => `${child(root, 'efi')?.name ?? 'efi'}/${efiBoot?.name ?? 'boot'}/${k.name}`);
  const uefiX64 = uefiLoaders.some((p) => p.toLowerCase().endsWith('/bootx64.efi'));
  const sources = child(root, 'sources');
  let installImage: WindowsInstallImage | undefined;
  for (const kind of ['wim', 'esd', 'swm'] as const) {
    const n = child(sources, `install.${kind}`);
    if (isFile(n)) {
      installImage = { path: `${sources?.name ?? 'sources'}/${n.name}`, kind, byteLength: n.content?.byteLength ?? n.size, node: n };
      break;
    }
  }
  const isWindowsMedia = installImage !== undefined && (bootmgr || bootmgrEfi || uefiLoaders.length > 0);
  const found = [bootmgr ? 'bootmgr' : '', bootmgrEfi ? 'bootmgr.efi' : '', ...uefiLoaders, installImage?.path ?? ''].filter(Boolean);
  const summary = isWindowsMedia
    ? `Windows install media (${found.join(', ')})`
    : found.length
      ? `not Windows install media: found ${found.join(', ')}, but ${installImage ? 'no boot manager or UEFI loader' : 'no sources/install.wim, .esd or .swm'}`
      : 'not Windows install media (no bootmgr, efi/boot loader or sources/install image)';
  return { isWindowsMedia, bootmgr, bootmgrEfi, uefiLoaders, uefiX64, installImage, summary };
}

export interface WindowsMedia {
  readonly detection: WindowsMediaDetection;
  /** the UDF tree (files stream from `source`) */
  readonly root: TreeNode;
  /** the UDF logical volume identifier (a stick's label: the ISO 9660 volume id when there is one, else this) */
  readonly volumeId: string;
  readonly findings: Findings;
}

/**
 * Open the UDF volume of an ISO and look for Windows install media in it. Returns undefined when the
 * source holds no UDF volume; throws when the UDF volume cannot be read.
 */
export async function openWindowsMedia(source: ByteSource, opts: { signal?: AbortSignal } = {}): Promise<WindowsMedia | undefined> {
  const detection = await detectUdf(source, opts);
  if (!detection || detection.blockSize === undefined) return undefined;
  const findings = new Findings();
  const volume = await openUdfVolume(source, findings, { detection, ...(opts.signal ? { signal: opts.signal } : {}) });
  const root = await volume.readTree();
  const info = volume.info;
  return { detection: detectWindowsMedia(root), root, volumeId: info.logicalVolumeId || info.volumeId, findings };
}
