/**
 * Resolving a BootSpec against the tree: boot image paths → tree nodes (with the bytes needed for patches
 * and emulation checks read up front), the catalog file node, appended partitions → their byte lengths.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { throwIfAborted } from '../../io/index.js';
import { bytesContent, type Content, type TreeNode } from '../../model/index.js';
import { FLOPPY_BYTE_LENGTH, type BootMediaType } from '../../formats/eltorito/index.js';
import { parseMbrEntries } from '../../formats/mbr/index.js';
import type { AppendedPartitionSpec, BootBytes, BootEntrySpec, BootSpec } from './spec.js';

/** Boot images whose copy gets patched are read into memory; larger ones are refused (no loader is this big). */
export const MAX_PATCHED_IMAGE_BYTES = 64 << 20;

export interface ResolvedEntry {
  readonly spec: BootEntrySpec;
  readonly index: number;
  readonly platformId: number;
  /** the tree node of a file image */
  readonly node?: TreeNode;
  /** the appended partition number of a partition image */
  readonly partition?: number;
  /** bytes of a file image when patches or emulation need them */
  readonly bytes?: Uint8Array;
  readonly mediaType: BootMediaType;
  readonly systemType: number;
}

export interface ResolvedPartition {
  readonly number: number;
  readonly mbrType: number;
  readonly gptType: string;
  readonly content: Content;
  readonly byteLength: number;
  /** the name the GPT entry gets ('Appended2'; 'EFI boot partition' for -efi-boot-part) */
  readonly gptName: string;
  readonly gptAttributes: string;
}

export const toContent = (b: BootBytes): Content => (b instanceof Uint8Array ? bytesContent(b) : b);

export async function readAllBytes(content: Content, max: number, what: string, signal?: AbortSignal): Promise<Uint8Array> {
  if (content.byteLength > max) throw new IsoKitError(ErrorCode.UNSUPPORTED, `${what} is ${content.byteLength} bytes; at most ${max} can be patched`);
  const out = new Uint8Array(content.byteLength);
  let pos = 0;
  for await (const chunk of content.stream(signal ? { signal } : {})) {
    throwIfAborted(signal);
    const n = Math.min(chunk.length, out.length - pos);
    out.set(chunk.subarray(0, n), pos);
    pos += n;
    if (pos >= out.length) break;
  }
  if (pos < out.length) throw new IsoKitError(ErrorCode.IO, `${what}: read ${pos} of ${out.length} bytes`);
  return out;
}

const splitPath = (p: string): string[] => p.split('/').filter((s) => s !== '' && s !== '.');

/** The node at `path` ('/a/b' or 'a/b'); exact names first, then a unique case-insensitive match per level. */
export function findNode(root: TreeNode, path: string): TreeNode | undefined {
  let cur: TreeNode | undefined = root;
  for (const part of splitPath(path)) {
    const kids: TreeNode[] = cur?.children ?? [];
    let next = kids.find((k) => k.name === part);
    if (!next) {
      const ci = kids.filter((k) => k.name.toLowerCase() === part.toLowerCase());
      next = ci.length === 1 ? ci[0] : undefined;
    }
    if (!next) return undefined;
    cur = next;
  }
  return cur;
}

/**
 * Put a catalog file of `byteLength` zero bytes at `path` (replacing a file already there, e.g. the old
 * catalog of a remastered image); missing parent directories are created. Returns the new node.
 */
export function insertCatalogNode(root: TreeNode, path: string, byteLength: number): TreeNode {
  const parts = splitPath(path);
  const name = parts.pop();
  if (!name) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `boot catalog path "${path}" names no file`);
  let dir = root;
  for (const part of parts) {
    dir.children ??= [];
    let next = dir.children.find((k) => k.name === part);
    if (!next) {
      next = { name: part, kind: 'dir', size: 0, children: [], mode: 0o40755, ...(root.mtimeMs !== undefined ? { mtimeMs: root.mtimeMs } : {}) };
      dir.children.push(next);
    }
    if (next.kind !== 'dir') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `boot catalog path "${path}": ${part} is not a directory`);
    dir = next;
  }
  dir.children ??= [];
  const old = dir.children.findIndex((k) => k.name === name);
  if (old >= 0 && dir.children[old]?.kind === 'dir') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `boot catalog path "${path}" is a directory`);
  const node: TreeNode = {
    name, kind: 'file', size: byteLength, content: bytesContent(new Uint8Array(byteLength)), mode: 0o100444,
    ...(root.mtimeMs !== undefined ? { mtimeMs: root.mtimeMs } : {}),
  };
  if (old >= 0) dir.children[old] = node;
  else dir.children.push(node);
  return node;
}

function platformIdOf(e: BootEntrySpec, i: number): number {
  const id = e.platformId ?? (e.platform === 'bios' ? 0x00 : e.platform === 'efi' ? 0xef : undefined);
  if (id === undefined || !Number.isInteger(id) || id < 0 || id > 255) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `boot entry ${i + 1}: platform id must be a byte (0-255)`);
  }
  return id;
}

function floppyType(byteLength: number, path: string): BootMediaType {
  for (const [type, len] of Object.entries(FLOPPY_BYTE_LENGTH)) if (len === byteLength) return type as BootMediaType;
  throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path}: floppy emulation needs an image of 1,228,800, 1,474,560 or 2,949,120 bytes, it has ${byteLength}`);
}

/** The partition type of a hard-disk emulation image: its MBR must have exactly one partition (El Torito 2.2 system type). */
function hardDiskSystemType(head: Uint8Array, path: string): number {
  if (head.length < 512 || head[510] !== 0x55 || head[511] !== 0xaa) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path}: hard-disk emulation needs an image that starts with an MBR (0x55AA missing)`);
  }
  const used = parseMbrEntries(head.subarray(0, 512), 0).filter((p) => !p.empty && p.type !== 0);
  if (used.length !== 1) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path}: hard-disk emulation needs an MBR with exactly one partition, it has ${used.length}`);
  return (used[0] as { type: number }).type;
}

async function resolveFileEntry(root: TreeNode, e: BootEntrySpec, i: number, path: string, signal?: AbortSignal): Promise<ResolvedEntry> {
  const platformId = platformIdOf(e, i);
  const node = findNode(root, path);
  if (!node) throw new IsoKitError(ErrorCode.NOT_FOUND, `boot image ${path} is not in the image tree`);
  if (node.kind !== 'file') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `boot image ${path} is not a regular file`);
  const byteLength = node.content?.byteLength ?? node.size;
  if (!node.content || byteLength === 0) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `boot image ${path} is empty`);
  const emulation = e.emulation ?? 'none';
  const needBytes = e.bootInfoTable || e.grub2BootInfo || emulation === 'hard-disk';
  const bytes = needBytes ? await readAllBytes(node.content, MAX_PATCHED_IMAGE_BYTES, `boot image ${path}`, signal) : undefined;
  if (e.bootInfoTable && byteLength < 64) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `boot image ${path} is too short (${byteLength} bytes) for a boot info table`);
  if (e.grub2BootInfo && byteLength < 2556) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `boot image ${path} is too short (${byteLength} bytes) for GRUB2 boot info (needs 2556)`);
  const mediaType: BootMediaType = emulation === 'floppy' ? floppyType(byteLength, path) : emulation === 'hard-disk' ? 'hard-disk' : 'no-emulation';
  const systemType = emulation === 'hard-disk' ? hardDiskSystemType(bytes as Uint8Array, path) : 0;
  return { spec: e, index: i, platformId, node, ...(bytes ? { bytes } : {}), mediaType, systemType };
}

/** Resolve every entry (boot images found, bytes read where needed). */
export async function resolveEntries(root: TreeNode, spec: BootSpec, partitions: ReadonlyMap<number, ResolvedPartition>, signal?: AbortSignal): Promise<ResolvedEntry[]> {
  const out: ResolvedEntry[] = [];
  for (const [i, e] of spec.entries.entries()) {
    if (e.image.kind === 'file') {
      out.push(await resolveFileEntry(root, e, i, e.image.path, signal));
      continue;
    }
    const n = e.image.partition;
    if (!partitions.has(n)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `boot entry ${i + 1} names appended partition ${n}, which is not appended`);
    if ((e.emulation ?? 'none') !== 'none') throw new IsoKitError(ErrorCode.UNSUPPORTED, `boot entry ${i + 1}: an appended partition can only be a no-emulation boot image`);
    if (e.bootInfoTable || e.grub2BootInfo) throw new IsoKitError(ErrorCode.UNSUPPORTED, `boot entry ${i + 1}: boot info cannot be patched into an appended partition`);
    out.push({ spec: e, index: i, platformId: platformIdOf(e, i), partition: n, mediaType: 'no-emulation', systemType: 0 });
  }
  return out;
}

const ESP_GUID = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
const BASIC_DATA_GUID = 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7';

/** Check and normalise the appended partitions (and -efi-boot-part given as bytes, in the next free slot). */
export function resolvePartitions(list: readonly AppendedPartitionSpec[], efiPart: BootBytes | undefined): Map<number, ResolvedPartition> {
  const out = new Map<number, ResolvedPartition>();
  for (const p of list) {
    if (!Number.isInteger(p.number) || p.number < 1 || p.number > 8) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `appended partition number must be 1-8, got ${p.number}`);
    if (out.has(p.number)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `appended partition ${p.number} is given twice`);
    if (!Number.isInteger(p.mbrType) || p.mbrType < 0 || p.mbrType > 255) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `appended partition ${p.number}: MBR type must be a byte`);
    const content = toContent(p.content);
    if (content.byteLength === 0) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `appended partition ${p.number} is empty`);
    out.set(p.number, {
      number: p.number, mbrType: p.mbrType, gptType: (p.gptType ?? (p.mbrType === 0xef ? ESP_GUID : BASIC_DATA_GUID)).toUpperCase(),
      content, byteLength: content.byteLength, gptName: `Appended${p.number}`, gptAttributes: '0x0000000000000000',
    });
  }
  if (efiPart) {
    let n = 1;
    while (out.has(n)) n++;
    if (n > 8) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'no free partition slot for the EFI boot partition');
    const content = toContent(efiPart);
    out.set(n, { number: n, mbrType: 0xef, gptType: ESP_GUID, content, byteLength: content.byteLength, gptName: 'EFI boot partition', gptAttributes: '0x0000000000000000' });
  }
  return out;
}

export const GUID = { ESP: ESP_GUID, BASIC_DATA: BASIC_DATA_GUID, HFS_PLUS: '48465300-0000-11AA-AA11-00306543ECAC' } as const;
