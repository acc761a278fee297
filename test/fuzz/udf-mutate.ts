/**
 * Deterministic mutations of UDF images for the UDF reader fuzz test (the ISO 9660 ones are in mutate.ts):
 * descriptor tags, the length fields of every descriptor that has one, allocation descriptors, FIDs,
 * partition and map fields, overwritten blocks, truncation. A mutation of a descriptor's body is usually
 * followed by a fresh tag (checksum and CRC), so the reader parses the damage instead of rejecting the tag.
 * Every mutation is applied in place and reverted; it is fully determined by (image, seed).
 */
import * as u from '../../src/formats/udf/index.js';
import { Findings, MemorySource, walkTree } from '../../src/index.js';
import { openUdfVolume } from '../../src/read/udf/index.js';
import { mutation, setBytes, type Mutation } from './mutate.js';

export interface UdfImageMap {
  readonly blockSize: number;
  /** byte offsets of sound descriptors by tag identifier */
  readonly descriptors: Map<number, number[]>;
  /** byte offsets of FIDs */
  readonly fids: number[];
  /** byte offsets of allocation descriptor areas, with their form */
  readonly adAreas: { at: number; length: number; form: number }[];
}

/** Find the structures worth mutating in a sound image (scan for tags; FIDs through the reader). */
export async function mapUdfImage(img: Uint8Array, blockSize: number): Promise<UdfImageMap> {
  const descriptors = new Map<number, number[]>();
  const adAreas: UdfImageMap['adAreas'] = [];
  for (let at = 0; at + blockSize <= img.length; at += blockSize) {
    const id = img[at]! | (img[at + 1]! << 8);
    if (u.checkDescriptorTag(img, at) !== undefined || (id > 9 && id < 256) || id > 266) continue;
    if (id === 0 && u.parseEntityId(img, at + 16).identifier !== u.EntityIdentifier.SPARING_TABLE) continue;
    descriptors.set(id, [...(descriptors.get(id) ?? []), at]);
    if (id === 261 || id === 266) {
      const s = u.summarizeFileEntry(img.subarray(at, at + blockSize));
      const form = s.icbFlags & 7;
      if (form !== 3) adAreas.push({ at: at + s.allocationDescriptorsOffset, length: s.allocationDescriptorsLength, form });
    }
    if (id === 258) adAreas.push({ at: at + 24, length: img[at + 20]! | (img[at + 21]! << 8), form: -1 });
  }
  const fids: number[] = [];
  const vol = await openUdfVolume(new MemorySource(img), new Findings());
  for (const { node } of walkTree(await vol.readTree())) {
    const e = node.kind === 'dir' ? node.extents?.[0] : undefined;
    if (!e) continue;
    const base = e.lba * blockSize;
    for (let o = 0; o + 38 <= e.byteLength;) {
      const at = base + o;
      if ((img[at]! | (img[at + 1]! << 8)) !== 257) break;
      fids.push(at);
      o += u.sizeOfFileIdentifierDescriptor(img[at + 36]! | (img[at + 37]! << 8), img[at + 19]!);
    }
  }
  return { blockSize, descriptors, fids, adAreas };
}

const EXTREMES = [0, 1, 2, 3, 7, 8, 15, 16, 0x7f, 0x80, 0xff, 0x100, 0x7ff, 0x800, 0xffff, 0x3fffffff, 0x40000000, 0x7fffffff, 0xc0000000, 0xffffffff];

/** Field offsets (in the descriptor) worth mutating, by tag identifier. */
const FIELDS: Record<number, number[]> = {
  2: [16, 20, 24, 28],
  1: [16, 24, 55],
  3: [20, 24],
  5: [22, 184, 188, 192],
  6: [212, 248, 252, 256, 264, 268, 432, 436, 440, 441, 444, 446, 480, 482, 484],
  7: [20, 24, 28],
  9: [28, 32, 36, 72, 76, 80, 84, 88, 112, 116],
  0: [48, 52, 56, 60],
  256: [400, 404, 408, 464],
  258: [16, 20],
  259: [27, 34, 36, 40, 44],
  261: [27, 34, 48, 56, 60, 168, 172, 176, 180, 184],
  266: [27, 34, 48, 56, 60, 152, 156, 208, 212, 216, 220, 224],
};

const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];

/** A fresh tag for the descriptor at `at` (its recorded CRC length, clamped to the image). */
function retagAt(b: Uint8Array, at: number, undo: [number, number][]): void {
  if (at < 0 || at + 16 > b.length) return;
  for (let i = 0; i < 16; i++) undo.push([at + i, b[at + i] as number]);
  const t = u.parseDescriptorTag(b, at);
  const len = Math.min(16 + t.crcLength, b.length - at);
  try {
    u.writeDescriptorTag(b.subarray(at, at + len), t.identifier, { ...t, crcLength: len - 16 });
  } catch {
    // a CRC length that cannot be written: leave the tag as it is
  }
}

/** Apply one mutation chosen by `r` to `b` in place. */
export function mutateUdf(b: Uint8Array, map: UdfImageMap, r: () => number): Mutation {
  const undo: [number, number][] = [];
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(a: readonly T[]): T | undefined => (a.length ? a[int(a.length)] : undefined);
  const value = () => (r() < 0.6 ? (pick(EXTREMES) as number) : int(0x100000000));
  const ids = [...map.descriptors.keys()];
  let kind: string;
  let byteLength = b.length;
  const choice = int(10);
  const retag = r() < 0.75;
  if (choice <= 2) {
    const id = pick(ids) as number;
    const at = pick(map.descriptors.get(id) as number[]) as number;
    const field = pick(FIELDS[id] ?? [16, 20, 24]) as number;
    kind = `tag ${id} field +${field}${retag ? ' (retagged)' : ''}`;
    setBytes(b, at + field, r() < 0.5 ? u32(value()) : [int(256)], undo);
    if (retag) retagAt(b, at, undo);
  } else if (choice === 3) {
    const id = pick(ids) as number;
    const at = pick(map.descriptors.get(id) as number[]) as number;
    const f = pick([0, 2, 4, 10, 12]) as number;
    kind = `tag ${id} header byte +${f}`;
    setBytes(b, at + f, [int(256), int(256)], undo);
  } else if (choice === 4 && map.adAreas.length) {
    const area = pick(map.adAreas)!;
    const size = area.form === 1 ? 16 : area.form === 2 ? 20 : 8;
    const o = area.at + size * int(Math.max(1, Math.ceil(area.length / size) + 1));
    const what = int(3);
    kind = `allocation descriptor ${['length/type', 'position', 'partition'][what]}`;
    setBytes(b, o + (what === 0 ? 0 : what === 1 ? 4 : 8), what === 2 ? [int(4), 0] : u32(value()), undo);
    if (retag) retagAt(b, Math.floor(area.at / map.blockSize) * map.blockSize, undo);
  } else if (choice === 5 && map.fids.length) {
    const at = pick(map.fids)!;
    const f = pick([18, 19, 20, 24, 28, 36, 38, 39, 40]) as number;
    kind = `FID field +${f}${retag ? ' (retagged)' : ''}`;
    setBytes(b, at + f, f === 20 || f === 24 ? u32(value()) : [int(256)], undo);
    if (retag) retagAt(b, at, undo);
  } else if (choice === 6) {
    kind = 'block overwritten';
    const blocks = Math.floor(b.length / map.blockSize);
    const s = r() < 0.7 ? Math.floor((pick([...map.descriptors.values()].flat()) ?? 0) / map.blockSize) : int(blocks);
    const fill = int(3);
    setBytes(b, s * map.blockSize, Array.from({ length: map.blockSize }, (_, i) => (fill === 0 ? 0 : fill === 1 ? int(256) : (b[((s + 1) * map.blockSize + i) % b.length] as number))), undo);
  } else if (choice === 7) {
    kind = 'truncated';
    byteLength = int(b.length);
  } else {
    kind = 'bytes flipped in a descriptor';
    const at = pick([...map.descriptors.values()].flat()) ?? 0;
    for (let i = 0, n = 1 + int(6); i < n; i++) setBytes(b, at + int(map.blockSize), [int(256)], undo);
    if (retag) retagAt(b, at, undo);
  }
  return mutation(b, undo, kind, byteLength);
}
