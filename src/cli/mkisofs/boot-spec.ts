/**
 * From the mkisofs boot plan (types.ts BootPlan: what the command line said) to the writer's BootSpec
 * (src/create/boot/spec.ts): disk files are loaded here — the system-area template (-G / -isohybrid-mbr /
 * --grub2-mbr) into memory, appended partitions and -efi-boot-part files as streamed contents — both through
 * xorriso's interval reader (byte range, then the zeroizers of xorrisofs(1) "--interval").
 *
 * What BootSpec cannot express is refused with an UNSUPPORTED error naming the option.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { AppendedPartitionSpec, BootEntrySpec, BootSpec, SystemAreaSpec } from '../../create/boot/spec.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { Content } from '../../model/index.js';
import type { BootPlan, DiskSource, ElToritoEntry } from './types.js';

/** A byte range to zero, end exclusive. */
interface Span {
  start: number;
  end: number;
}

const u16be = (b: Uint8Array, o: number) => (b[o] ?? 0) * 256 + (b[o + 1] ?? 0);
const u32be = (b: Uint8Array, o: number) => u16be(b, o) * 65536 + u16be(b, o + 2);
const u32le = (b: Uint8Array, o: number) => (b[o] ?? 0) + (b[o + 1] ?? 0) * 256 + (b[o + 2] ?? 0) * 65536 + (b[o + 3] ?? 0) * 16777216;
const ascii = (b: Uint8Array, o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));

/**
 * The byte spans the zeroizers of an interval name, from the read data's first bytes (`head`, at least the
 * first 64 KiB when the data is that long) and its total length (xorrisofs(1), "--interval" ZEROIZERS):
 * zero_mbrpt = the MBR partition table when bytes 510-511 are 0x55 0xAA; zero_gpt = a GPT header at byte 512
 * and its entry array; zero_apm = the Apple Partition Map blocks after APM block 0; START-END = those bytes.
 */
export function zeroizeSpans(head: Uint8Array, byteLength: number, zeroize: NonNullable<DiskSource['zeroize']>): Span[] {
  const spans: Span[] = [];
  for (const z of zeroize) {
    if (typeof z === 'object') spans.push({ start: z.startByte, end: z.endByte + 1 });
    else if (z === 'zero_mbrpt') {
      if (head[510] === 0x55 && head[511] === 0xaa) spans.push({ start: 446, end: 510 });
    } else if (z === 'zero_gpt') {
      if (ascii(head, 512, 8) === 'EFI PART') {
        spans.push({ start: 512, end: 1024 });
        const entriesLba = u32le(head, 512 + 72) + u32le(head, 512 + 76) * 2 ** 32;
        const bytes = u32le(head, 512 + 80) * u32le(head, 512 + 84);
        if (entriesLba > 0 && bytes > 0) spans.push({ start: entriesLba * 512, end: entriesLba * 512 + bytes });
      }
    } else if (z === 'zero_apm') {
      if (ascii(head, 0, 2) === 'ER') {
        const blockSize = u16be(head, 2) || 512;
        if (ascii(head, blockSize, 2) === 'PM') {
          const count = u32be(head, blockSize + 4);
          spans.push({ start: blockSize, end: blockSize * (1 + count) });
        }
      }
    }
  }
  return spans.map((s) => ({ start: Math.max(0, s.start), end: Math.min(byteLength, s.end) })).filter((s) => s.end > s.start);
}

/** Apply the zeroizers to bytes already in memory (a copy is returned). */
export function zeroizeBytes(bytes: Uint8Array, zeroize: NonNullable<DiskSource['zeroize']>): Uint8Array {
  const out = bytes.slice();
  for (const s of zeroizeSpans(bytes, bytes.length, zeroize)) out.fill(0, s.start, s.end);
  return out;
}

/** A Content with byte spans read as zeros (streamed). */
export function zeroizedContent(inner: Content, spans: readonly Span[]): Content {
  if (!spans.length) return inner;
  return {
    byteLength: inner.byteLength,
    async *stream(opts) {
      let pos = 0;
      for await (const chunk of inner.stream(opts)) {
        const end = pos + chunk.length;
        const hits = spans.filter((s) => s.start < end && s.end > pos);
        if (!hits.length) yield chunk;
        else {
          const c = chunk.slice();
          for (const s of hits) c.fill(0, Math.max(0, s.start - pos), Math.min(c.length, s.end - pos));
          yield c;
        }
        pos = end;
      }
    },
  };
}

const HEAD_BYTES = 65536;

/** The first bytes of a disk source's interval (for the zeroizers that inspect the data). */
function readHead(file: string, startByte: number, byteLength: number): Uint8Array {
  const buf = new Uint8Array(Math.min(HEAD_BYTES, byteLength));
  const fd = openSync(file, 'r');
  try {
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, startByte + n);
      if (got === 0) break;
      n += got;
    }
  } finally {
    closeSync(fd);
  }
  return buf;
}

export interface PlanToSpecOptions {
  /** resolves relative disk paths */
  cwd: string;
  /** SOURCE_DATE_EPOCH or --modification-date is set: `--gpt_disk_guid random` then derives the GUID from the date */
  reproducible: boolean;
}

function entrySpec(e: ElToritoEntry): BootEntrySpec {
  return {
    platform: e.platform,
    platformId: e.platformId,
    image: e.image.kind === 'file' ? { kind: 'file', path: e.image.path } : { kind: 'appended-partition', partition: e.image.partition, ...(e.image.range ? { range: e.image.range } : {}) },
    emulation: e.emulation,
    ...(e.loadSize !== undefined ? { loadSize: e.loadSize } : {}),
    ...(e.loadSegment !== undefined ? { loadSegment: e.loadSegment } : {}),
    bootable: e.bootable,
    bootInfoTable: e.bootInfoTable,
    grub2BootInfo: e.grub2BootInfo,
    ...(e.isohybridGpt ? { isohybridGpt: e.isohybridGpt } : {}),
    ...(e.idString !== undefined ? { idString: e.idString } : {}),
    ...(e.selectionCriteria !== undefined ? { selectionCriteria: e.selectionCriteria } : {}),
  };
}

/** -iso_mbr_part_type: 'default' → undefined, '0xNN' → the byte; a GPT type GUID cannot be expressed. */
function isoMbrPartType(value: string | undefined): number | undefined {
  if (value === undefined || value === 'default') return undefined;
  if (/^0x[0-9a-f]{1,2}$/i.test(value)) return parseInt(value.slice(2), 16);
  throw new IsoKitError(ErrorCode.UNSUPPORTED, `-iso_mbr_part_type ${value}: a GPT type GUID for the ISO partition is not supported (give an MBR type byte such as 0x83)`);
}

/** --gpt_disk_guid: a GUID as given; 'random' is derived from the build date when the build is meant to be reproducible. */
function diskGuid(value: string | undefined, reproducible: boolean): string | undefined {
  if (value === undefined || value === 'modification-date') return undefined;
  if (value === 'random') return reproducible ? undefined : randomUUID().toUpperCase();
  return value;
}

/** The BootSpec for a plan: templates read, partitions opened (not read), zeroizers applied. */
export async function bootSpecFromPlan(plan: BootPlan, o: PlanToSpecOptions): Promise<BootSpec> {
  const { readTemplateFile, diskFileContent } = await import('../../node/boot-files.js');
  const abs = (p: string) => path.resolve(o.cwd, p);
  const content = (src: DiskSource): Content => {
    const c = diskFileContent(abs(src.path), src.range);
    if (!src.zeroize?.length || c.byteLength === 0) return c;
    const head = readHead(abs(src.path), src.range?.startByte ?? 0, c.byteLength);
    return zeroizedContent(c, zeroizeSpans(head, c.byteLength, src.zeroize));
  };
  const sa = plan.systemArea;
  if (sa.appendedPartAsApm) throw new IsoKitError(ErrorCode.UNSUPPORTED, '-appended_part_as_apm: appended partitions in an Apple Partition Map are not supported');
  let template: Uint8Array | undefined;
  if (sa.file) {
    template = await readTemplateFile(abs(sa.file.path), sa.file.range);
    if (sa.file.zeroize?.length) template = zeroizeBytes(template, sa.file.zeroize);
  }
  const appendedPartitions: AppendedPartitionSpec[] = sa.appendedPartitions.map((p) => ({
    number: p.number, mbrType: p.mbrType, ...(p.typeIsGuid ? { gptType: p.gptType } : {}), content: content(p.source),
  }));
  const partType = isoMbrPartType(sa.isoMbrPartType);
  const guid = diskGuid(sa.gptDiskGuid, o.reproducible);
  const systemArea: SystemAreaSpec = {
    ...(template ? { template, kind: sa.kind ?? 'generic' } : {}),
    protectiveMsdosLabel: sa.protectiveMsdosLabel,
    mbrForceBootable: sa.mbrForceBootable,
    ...(sa.partitionOffset !== undefined ? { partitionOffset: sa.partitionOffset } : {}),
    ...(sa.partitionHeadsPerCylinder ? { headsPerCylinder: sa.partitionHeadsPerCylinder } : {}),
    ...(sa.partitionSectorsPerHead ? { sectorsPerHead: sa.partitionSectorsPerHead } : {}),
    ...(sa.partitionCylinderAlign ? { cylinderAlign: sa.partitionCylinderAlign } : {}),
    ...(partType !== undefined ? { isoMbrPartType: partType } : {}),
    ...(guid ? { gptDiskGuid: guid } : {}),
    ...(sa.efiBootPart
      ? { efiBootPart: sa.efiBootPart.kind === 'file' ? { kind: 'content' as const, content: content(sa.efiBootPart.source) } : { kind: 'el-torito-efi-image' as const } }
      : {}),
    appendedPartAsGpt: sa.appendedPartAsGpt,
    partLikeIsohybrid: sa.partLikeIsohybrid,
    appendedPartitions,
  };
  const cat = plan.catalog;
  return {
    entries: plan.entries.map(entrySpec),
    ...(cat ? { catalog: { path: cat.path, hidden: cat.hidden, hiddenJoliet: cat.hiddenJoliet } } : {}),
    systemArea,
  };
}
