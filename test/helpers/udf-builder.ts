/**
 * A small UDF image writer for tests, built on the reader's own serializers (src/formats/udf): the
 * structures real tools here cannot make (a 2.50 metadata partition and its mirror, a VAT, a sparable
 * partition with moved packets, allocation extent chains, strategy 4096 ICBs, 512/4096-byte blocks) and
 * damaged trees (loops, bad names, extents outside the partition) made on purpose.
 *
 * Layout: VRS from byte 32768; main and reserve Volume Descriptor Sequences, the Logical Volume Integrity
 * Sequence and sparing tables below sector 256; the anchor at 256; the partition from 257; spare packets,
 * padding and the closing anchors after it. `where` says where each file's structures ended up.
 */
import * as u from '../../src/formats/udf/index.js';
import { concatBytes } from '../../src/bytes/index.js';

export type UKind = 'file' | 'dir' | 'symlink' | 'chardev' | 'blockdev' | 'fifo' | 'socket';

export interface UFile {
  /** a name, or raw CS0 bytes (compression ID first) for names no writer would make */
  name: string | Uint8Array;
  kind?: UKind;
  data?: Uint8Array;
  /** information length, when it should differ from data.length (sparse tails, damage) */
  size?: number;
  target?: string;
  device?: { major: number; minor: number };
  children?: UFile[];
  mode?: number;
  uid?: number;
  gid?: number;
  mtimeMs?: number;
  hidden?: boolean;
  /** data (or FIDs) inside the File Entry */
  embedded?: boolean;
  /** the most bytes per extent (a file of several extents) */
  extentBytes?: number;
  /** extents [fromBlock, blockCount) of the file left as not-allocated holes (extent type 2) */
  holes?: [number, number][];
  /** allocation descriptors per Allocation Extent Descriptor (a chain) */
  adsPerExtent?: number;
  /** this entry's FID points at another file's ICB (a hard link, or a directory loop) */
  linkTo?: UFile;
}

export type PartitionKind = 'type1' | 'metadata' | 'virtual' | 'sparable';

export interface BuildOptions {
  blockSize?: number;
  /** UDF revision (BCD): 0x0102 default; ≥ 0x0200 writes NSR03 and Extended File Entries */
  revision?: number;
  partition?: PartitionKind;
  /** Extended File Entries (default: revision ≥ 0x0200) */
  efe?: boolean;
  /** ICBs of strategy 4096 with an Indirect Entry to a newer File Entry for every file */
  strategy4096?: boolean;
  volumeId?: string;
  logicalVolumeId?: string;
  fileSetId?: string;
  /** anchors: at 256 always; 'last' (N−1, default) and 'n-256' (needs a 256-sector tail) */
  tailAnchors?: ('last' | 'n-256')[];
  /** metadata partition: the mirror has its own copy (Duplicate Metadata Flag) — default true */
  duplicateMetadata?: boolean;
  /** sparable partition: packets (of 32 blocks) moved to the spare area */
  sparedPackets?: number[];
  /** UDF 1.50 VAT (file type 0, trailing regid) instead of the 2.xx one */
  vat15?: boolean;
  integrity?: 'open' | 'closed';
}

export interface Built {
  bytes: Uint8Array;
  blockSize: number;
  partitionStartSector: number;
  /** absolute byte offsets of each file's File Entry, its FID (in its parent), first data byte and first AED */
  where: Map<UFile, { fe: number; fid?: number; data?: number; aed?: number }>;
  layout: { mainVds: number; reserveVds: number; lvid: number; metadataFe?: number; mirrorFe?: number; metadataStart?: number; vatFe?: number; sparingTables?: number[] };
}

const T0 = 1_700_000_000_000;
const RESERVE_GAP = 16;

/** Blocks an array of bytes needs. */
const blocksFor = (n: number, bs: number) => Math.ceil(n / bs);

interface Node {
  file: UFile;
  kind: UKind;
  uniqueId: number;
  /** ICB block in the ICB space (physical, metadata or virtual) */
  icb: number;
  /** directory data blocks in the ICB space (unless embedded) */
  dirBlock?: number;
  dirBytes?: Uint8Array;
  /** file data blocks in the data space */
  dataBlock?: number;
  aedBlocks: number[];
  parent?: Node;
  subdirs: number;
  linkCount: number;
}

export function buildUdf(root: UFile, o: BuildOptions = {}): Built {
  return new Builder(root, o).build();
}

class Builder {
  readonly bs: number;
  readonly rev: number;
  readonly efe: boolean;
  readonly kind: PartitionKind;
  readonly version: number;
  readonly nodes = new Map<UFile, Node>();
  readonly order: Node[] = [];
  /** partition block → bytes (physical partition) */
  readonly phys = new Map<number, Uint8Array>();
  /** sector → bytes (outside the partition) */
  readonly abs = new Map<number, Uint8Array>();
  /** ICB space: metadata blocks, or virtual blocks (→ VAT) */
  readonly icbSpace = new Map<number, Uint8Array>();
  icbNext = 0;
  physNext = 0;
  readonly where = new Map<UFile, { fe: number; fid?: number; data?: number; aed?: number }>();
  readonly vat: number[] = [];

  constructor(readonly root: UFile, readonly o: BuildOptions) {
    this.bs = o.blockSize ?? 2048;
    this.rev = o.revision ?? 0x0102;
    this.efe = o.efe ?? this.rev >= 0x0200;
    this.kind = o.partition ?? 'type1';
    this.version = this.rev >= 0x0200 ? 3 : 2;
  }

  /** The partition reference of ICBs and FIDs (the map they live in). */
  get icbRef(): number {
    return this.kind === 'metadata' || this.kind === 'virtual' ? 1 : 0;
  }
  get separateIcbSpace(): boolean {
    return this.icbRef === 1;
  }

  build(): Built {
    this.collect(this.root, undefined);
    this.allocateIcbs();
    this.allocateData();
    for (const n of this.order) this.writeEntry(n);
    const fileSetBlock = 0;
    this.putIcb(fileSetBlock, this.fileSet());
    this.putIcb(fileSetBlock + 1, u.serializeTerminatingDescriptor({ tag: { version: this.version, location: fileSetBlock + 1 } }));
    const layout: Built['layout'] = { mainVds: 0, reserveVds: 0, lvid: 0 };
    this.placeIcbSpace(layout);
    return this.assemble(layout);
  }

  private collect(f: UFile, parent: Node | undefined): void {
    if (f.linkTo) return; // counted where its target is
    const kind = f.kind ?? (f.children ? 'dir' : 'file');
    const n: Node = { file: f, kind, uniqueId: f === this.root ? 0 : 16 + this.order.length, icb: -1, aedBlocks: [], subdirs: 0, linkCount: 1, ...(parent ? { parent } : {}) };
    this.nodes.set(f, n);
    this.order.push(n);
    for (const c of f.children ?? []) {
      this.collect(c, n);
      if ((c.kind ?? (c.children ? 'dir' : 'file')) === 'dir' && !c.linkTo) n.subdirs++;
    }
  }

  private allocateIcbs(): void {
    this.icbNext = 2; // FSD + TD
    // strategy 4096: stale entry, Indirect Entry, newest entry, an unrecorded block ending the chain
    const step = this.o.strategy4096 ? 4 : 1;
    for (const n of this.order) {
      n.icb = this.icbNext;
      this.icbNext += step;
    }
    for (const n of this.order) {
      for (const c of n.file.children ?? []) if (c.linkTo) (this.nodes.get(c.linkTo) as Node).linkCount++;
      if (n.kind !== 'dir') continue;
      n.dirBytes = this.directoryBytes(n, 0);
      if (!n.file.embedded) {
        n.dirBlock = this.icbNext;
        this.icbNext += blocksFor(n.dirBytes.length, this.bs);
      }
    }
    for (const n of this.order) {
      if (n.kind === 'dir') n.linkCount = 1 + n.subdirs + (n.linkCount - 1);
      const ads = this.dataPieces(n).length;
      const per = n.file.adsPerExtent;
      if (per && ads > per) for (let k = per - 1; k < ads; k += per - 1) n.aedBlocks.push(this.icbNext++);
    }
  }

  /** The metadata file in two extents (the second after the file data), to exercise the mapping. */
  get metaSplit(): number {
    return Math.ceil(this.icbNext / 2);
  }
  get duplicate(): boolean {
    return this.o.duplicateMetadata !== false;
  }

  /**
   * Data in the physical partition: after the ICB space (type 1, sparable), after the metadata file's first
   * extent and the mirror copy (metadata), or first of all (virtual: the ICB space follows, in reverse order).
   */
  private allocateData(): void {
    this.physNext = this.kind === 'metadata' ? 2 + this.metaSplit + (this.duplicate ? this.icbNext : 0) : this.kind === 'virtual' ? 0 : this.icbNext;
    for (const n of this.order) {
      const len = this.fileBytes(n).length;
      if (!len || n.file.embedded) continue;
      n.dataBlock = this.physNext;
      this.physNext += blocksFor(len, this.bs);
    }
  }

  /** The physical block of an ICB-space block. */
  private physOfIcb(block: number): number {
    if (this.kind === 'metadata') return block < this.metaSplit ? 2 + block : this.dataEnd + block - this.metaSplit;
    if (this.kind === 'virtual') return this.dataEnd + this.icbNext - 1 - block;
    return block;
  }
  dataEnd = 0;

  private fileBytes(n: Node): Uint8Array {
    if (n.kind === 'symlink') return u.serializePathComponents(u.pathComponentsOf(n.file.target ?? ''));
    return n.kind === 'file' ? (n.file.data ?? new Uint8Array(0)) : new Uint8Array(0);
  }

  /** The file's extents: [partition block, byte length, extent type] (holes are type 2 and take no blocks). */
  private dataPieces(n: Node): [number, number, number][] {
    const len = this.fileBytes(n).length;
    if (!len || n.file.embedded) return [];
    const base = n.dataBlock ?? 0; // (counting before placement)
    const per = n.file.extentBytes ?? 0x3ffff800;
    const out: [number, number, number][] = [];
    const holes = n.file.holes ?? [];
    for (let off = 0; off < len;) {
      const block = off / this.bs;
      const hole = holes.find(([from]) => from === block);
      const take = hole ? Math.min(hole[1] * this.bs, len - off) : Math.min(per, len - off, holes.reduce((m, [from]) => (from > block ? Math.min(m, (from - block) * this.bs) : m), Infinity));
      out.push([base + block, take, hole ? 2 : 0]);
      off += take;
    }
    return out;
  }

  private directoryBytes(n: Node, dirBlock: number): Uint8Array {
    const parts: Uint8Array[] = [];
    const parent = n.parent ?? n;
    let offset = 0;
    const fid = (chars: number, name: Uint8Array, target: Node, file?: UFile) => {
      const b = u.serializeFileIdentifierDescriptor({
        tag: { version: this.version, location: n.file.embedded ? n.icb : dirBlock + Math.floor(offset / this.bs) },
        fileVersionNumber: 1, characteristics: chars, icb: this.longAd(target), implementationUse: new Uint8Array(0), identifier: name,
      });
      if (file) this.fidOffsets.set(file, { dir: n, offset });
      parts.push(b);
      offset += b.length;
    };
    fid(u.FileCharacteristic.PARENT | u.FileCharacteristic.DIRECTORY, new Uint8Array(0), parent);
    for (const c of n.file.children ?? []) {
      const target = this.nodes.get(c.linkTo ?? c) as Node;
      const name = typeof c.name === 'string' ? u.encodeCs0(c.name) : c.name;
      const chars = (target.kind === 'dir' ? u.FileCharacteristic.DIRECTORY : 0) | (c.hidden ? u.FileCharacteristic.HIDDEN : 0);
      fid(chars, name, target, c);
    }
    return concatBytes(parts);
  }
  readonly fidOffsets = new Map<UFile, { dir: Node; offset: number }>();

  private longAd(target: Node): u.AllocationDescriptor {
    const iu = new Uint8Array(6);
    new DataView(iu.buffer).setUint32(2, target.uniqueId, true);
    return { byteLength: this.bs, extentType: 0, blockNumber: target.icb, partitionRef: this.icbRef, implementationUse: iu };
  }

  private ts(ms: number | undefined): u.UdfTimestamp {
    return u.timestampFromMs(ms ?? T0, 60);
  }

  private writeEntry(n: Node): void {
    const f = n.file;
    if (n.kind === 'dir') n.dirBytes = this.directoryBytes(n, n.dirBlock ?? n.icb);
    const data = n.kind === 'dir' ? (n.dirBytes as Uint8Array) : this.fileBytes(n);
    const dataForm = this.separateIcbSpace && n.kind !== 'dir' ? u.AdForm.LONG : u.AdForm.SHORT;
    const embedded = f.embedded === true;
    let ads: Uint8Array;
    const pieces: u.AllocationDescriptor[] = n.kind === 'dir'
      ? (embedded ? [] : [{ byteLength: data.length, extentType: 0, blockNumber: n.dirBlock as number }])
      : this.dataPieces(n).map(([blockNumber, byteLength, extentType]) => ({ byteLength, extentType: extentType as u.ExtentType, blockNumber, partitionRef: 0 }));
    const form = embedded ? u.AdForm.EMBEDDED : dataForm;
    if (embedded) ads = data;
    else ads = this.chainedAds(n, pieces, form);
    const { permissions, icbFlags } = u.permissionsFromMode(f.mode ?? (n.kind === 'dir' ? 0o755 : 0o644), 0);
    const fileType = { file: 5, dir: 4, symlink: 12, chardev: 7, blockdev: 6, fifo: 9, socket: 10 }[n.kind];
    const ea = f.device ? u.serializeExtendedAttributes({ version: this.version, location: n.icb }, [{ type: 12, data: u.deviceSpecificationData(f.device.major, f.device.minor) }]) : new Uint8Array(0);
    const size = f.size ?? data.length;
    const fe = (location: number, strategy: number) => u.serializeFileEntry({
      tag: { version: this.version, location }, extended: this.efe,
      icbTag: { priorRecordedDirectEntries: 0, strategyType: strategy, strategyParameter: 0, maxEntries: strategy === 4096 ? 2 : 1, fileType, parentIcb: { blockNumber: 0, partitionRef: 0 }, flags: form | icbFlags },
      uid: f.uid ?? 0xffffffff, gid: f.gid ?? 0xffffffff, permissions, linkCount: n.linkCount, recordFormat: 0, recordDisplayAttributes: 0, recordLength: 0,
      informationLength: size, objectSize: size, logicalBlocksRecorded: blocksFor(size, this.bs),
      accessTime: this.ts(f.mtimeMs), modificationTime: this.ts(f.mtimeMs), creationTime: this.ts((f.mtimeMs ?? T0) - 1000), attributeTime: this.ts(f.mtimeMs), checkpoint: 1,
      extendedAttributeIcb: { byteLength: 0, extentType: 0, blockNumber: 0, partitionRef: 0 }, streamDirectoryIcb: { byteLength: 0, extentType: 0, blockNumber: 0, partitionRef: 0 },
      implementationIdentifier: { flags: 0, identifier: '*isokit test', suffix: new Uint8Array(8) }, uniqueId: n.uniqueId, extendedAttributes: ea, allocationDescriptors: ads,
    });
    if (this.o.strategy4096) {
      // ICB of strategy 4096: an outdated, empty entry where the FID points, then an Indirect Entry to the newest one
      const stale = u.parseFileEntry(fe(n.icb, 4096));
      this.putIcb(n.icb, u.serializeFileEntry({
        ...stale, tag: { version: this.version, location: n.icb }, informationLength: 0, objectSize: 0, allocationDescriptors: new Uint8Array(0),
        icbTag: { ...stale.icbTag, flags: u.AdForm.EMBEDDED | icbFlags },
      }));
      this.putIcb(n.icb + 1, u.serializeIndirectEntry({
        tag: { version: this.version, location: n.icb + 1 },
        icbTag: { priorRecordedDirectEntries: 0, strategyType: 4096, strategyParameter: 0, maxEntries: 2, fileType: 3, parentIcb: { blockNumber: 0, partitionRef: 0 }, flags: 0 },
        indirectIcb: { byteLength: this.bs, extentType: 0, blockNumber: n.icb + 2, partitionRef: this.icbRef },
      }));
      this.putIcb(n.icb + 2, fe(n.icb + 2, 4096));
    } else {
      this.putIcb(n.icb, fe(n.icb, 4));
    }
    if (n.kind === 'dir' && !embedded) this.putIcbBytes(n.dirBlock as number, data);
    if (n.kind !== 'dir' && !embedded && n.dataBlock !== undefined) {
      for (const [block, len, type] of this.dataPieces(n)) {
        if (type !== 0) continue;
        const from = (block - n.dataBlock) * this.bs;
        this.putPhysBytes(block, data.subarray(from, from + len));
      }
    }
  }

  /** The allocation descriptors of `pieces`, the overflow spread over Allocation Extent Descriptors. */
  private chainedAds(n: Node, pieces: u.AllocationDescriptor[], form: u.AdForm): Uint8Array {
    const per = n.file.adsPerExtent;
    if (!per || pieces.length <= per) return u.serializeAllocationDescriptors(pieces, form);
    const groups: u.AllocationDescriptor[][] = [pieces.slice(0, per - 1)];
    for (let k = per - 1; k < pieces.length; k += per - 1) groups.push(pieces.slice(k, k + per - 1));
    const nextAd = (i: number): u.AllocationDescriptor => ({ byteLength: this.bs, extentType: u.ExtentType.NEXT, blockNumber: n.aedBlocks[i] as number, partitionRef: this.icbRef });
    groups.forEach((g, i) => {
      if (i === 0) return;
      const list = i + 1 < groups.length ? [...g, nextAd(i)] : g;
      const block = n.aedBlocks[i - 1] as number;
      this.putIcb(block, u.serializeAllocationExtentDescriptor({ tag: { version: this.version, location: block }, allocationDescriptors: u.serializeAllocationDescriptors(list, form) }));
    });
    return u.serializeAllocationDescriptors([...(groups[0] as u.AllocationDescriptor[]), nextAd(0)], form);
  }

  private putIcb(block: number, b: Uint8Array): void {
    const padded = new Uint8Array(this.bs);
    padded.set(b.subarray(0, this.bs));
    (this.separateIcbSpace ? this.icbSpace : this.phys).set(block, padded);
  }
  private putIcbBytes(block: number, b: Uint8Array): void {
    for (let i = 0; i * this.bs < b.length; i++) this.putIcb(block + i, b.subarray(i * this.bs, (i + 1) * this.bs));
  }
  private putPhysBytes(block: number, b: Uint8Array): void {
    for (let i = 0; i * this.bs < b.length; i++) {
      const padded = new Uint8Array(this.bs);
      padded.set(b.subarray(i * this.bs, (i + 1) * this.bs));
      this.phys.set(block + i, padded);
    }
  }

  private fileSet(): Uint8Array {
    const rootNode = this.nodes.get(this.root) as Node;
    const none = { byteLength: 0, extentType: 0 as u.ExtentType, blockNumber: 0, partitionRef: 0 };
    return u.serializeFileSetDescriptor({
      tag: { version: this.version, location: 0 }, recordingTime: this.ts(T0), interchangeLevel: 3, maxInterchangeLevel: 3, characterSetList: 1, maxCharacterSetList: 1,
      fileSetNumber: 0, fileSetDescriptorNumber: 0, logicalVolumeIdentifierCharset: u.OSTA_CS0, logicalVolumeIdentifier: this.o.logicalVolumeId ?? 'TESTLV', fileSetCharset: u.OSTA_CS0,
      fileSetIdentifier: this.o.fileSetId ?? 'TESTFS', copyrightFileIdentifier: '', abstractFileIdentifier: '', rootDirectoryIcb: this.longAd(rootNode),
      domainIdentifier: u.udfEntityId(u.EntityIdentifier.OSTA_DOMAIN, this.rev), nextExtent: none, systemStreamDirectoryIcb: none,
    });
  }

  /** Put the ICB space where its partition map says: metadata file extents, or virtual blocks through the VAT. */
  private placeIcbSpace(layout: Built['layout']): void {
    this.dataEnd = this.physNext;
    const count = this.icbNext;
    if (this.kind === 'metadata') {
      const h = this.metaSplit;
      for (const [b, bytes] of this.icbSpace) {
        this.phys.set(this.physOfIcb(b), bytes);
        if (this.duplicate) this.phys.set(2 + h + b, bytes.slice());
      }
      this.physNext = this.dataEnd + count - h;
      const main = [{ byteLength: h * this.bs, extentType: 0 as u.ExtentType, blockNumber: 2 }, { byteLength: (count - h) * this.bs, extentType: 0 as u.ExtentType, blockNumber: this.dataEnd }];
      const mirror = this.duplicate ? [{ byteLength: count * this.bs, extentType: 0 as u.ExtentType, blockNumber: 2 + h }] : main;
      this.phys.set(0, pad(this.metadataFileEntry(0, u.FileType.METADATA_FILE, main), this.bs));
      this.phys.set(1, pad(this.metadataFileEntry(1, u.FileType.METADATA_MIRROR_FILE, mirror), this.bs));
      layout.metadataStart = 2;
    } else if (this.kind === 'virtual') {
      for (let v = 0; v < count; v++) {
        this.vat.push(this.physOfIcb(v));
        this.phys.set(this.physOfIcb(v), this.icbSpace.get(v) ?? new Uint8Array(this.bs));
      }
      this.physNext = this.dataEnd + count;
    }
  }

  private metadataFileEntry(block: number, type: number, ads: u.AllocationDescriptor[]): Uint8Array {
    const bytes = this.icbNext * this.bs;
    return u.serializeFileEntry({
      tag: { version: 3, location: block }, extended: true,
      icbTag: { priorRecordedDirectEntries: 0, strategyType: 4, strategyParameter: 0, maxEntries: 1, fileType: type, parentIcb: { blockNumber: 0, partitionRef: 0 }, flags: u.AdForm.SHORT },
      uid: 0xffffffff, gid: 0xffffffff, permissions: 0, linkCount: 1, recordFormat: 0, recordDisplayAttributes: 0, recordLength: 0, informationLength: bytes, objectSize: bytes,
      logicalBlocksRecorded: this.icbNext, accessTime: this.ts(T0), modificationTime: this.ts(T0), creationTime: this.ts(T0), attributeTime: this.ts(T0), checkpoint: 1,
      extendedAttributeIcb: { byteLength: 0, extentType: 0, blockNumber: 0, partitionRef: 0 }, streamDirectoryIcb: { byteLength: 0, extentType: 0, blockNumber: 0, partitionRef: 0 },
      implementationIdentifier: { flags: 0, identifier: '*isokit test', suffix: new Uint8Array(8) }, uniqueId: 0, extendedAttributes: new Uint8Array(0),
      allocationDescriptors: u.serializeAllocationDescriptors(ads, u.AdForm.SHORT),
    });
  }

  private assemble(layout: Built['layout']): Built {
    const bs = this.bs;
    const stride = Math.max(2048, bs);
    const vrsEnd = Math.ceil((32768 + 3 * stride) / bs);
    const mainVds = vrsEnd + 2;
    const reserveVds = mainVds + RESERVE_GAP;
    const lvidSector = reserveVds + RESERVE_GAP;
    const sparing = [lvidSector + 4, lvidSector + 6];
    const start = 257;
    if (this.kind === 'virtual') this.writeVat();
    const partitionBlocks = Math.max(this.physNext, ...[...this.phys.keys()].map((k) => k + 1));
    const spareStart = start + partitionBlocks;
    const spared = this.kind === 'sparable' ? (this.o.sparedPackets ?? []) : [];
    const tail = this.o.tailAnchors ?? ['last'];
    const total = spareStart + spared.length * 32 + (tail.includes('n-256') ? 257 : tail.length ? 1 : 0);
    const img = new Uint8Array(total * bs);
    const put = (sector: number, b: Uint8Array) => img.set(b.subarray(0, Math.min(b.length, img.length - sector * bs)), sector * bs);
    ['BEA01', this.version === 3 ? 'NSR03' : 'NSR02', 'TEA01'].forEach((id, k) => img.set(u.serializeVolumeStructureDescriptor({ identifier: id }), 32768 + k * stride));
    const seq = this.volumeDescriptors(start, partitionBlocks, lvidSector, sparing);
    seq.forEach((d, i) => {
      put(mainVds + i, d(mainVds + i));
      put(reserveVds + i, d(reserveVds + i));
    });
    put(lvidSector, this.lvid(lvidSector, partitionBlocks));
    put(lvidSector + 1, u.serializeTerminatingDescriptor({ tag: { version: this.version, location: lvidSector + 1 } }));
    for (const [b, bytes] of this.phys) put(start + b, bytes);
    spared.forEach((p, i) => {
      for (let k = 0; k < 32; k++) {
        const from = (start + p * 32 + k) * bs;
        img.set(img.subarray(from, from + bs), (spareStart + i * 32 + k) * bs);
        img.fill(0xee, from, from + bs); // the packet's old place holds garbage now
      }
    });
    if (this.kind === 'sparable') {
      const entries = spared.map((p, i) => ({ originalLocation: p * 32, mappedLocation: spareStart + i * 32 }));
      for (const s of sparing) put(s, u.serializeSparingTable({ tag: { version: this.version, location: s }, identifier: u.udfEntityId(u.EntityIdentifier.SPARING_TABLE, this.rev), sequenceNumber: 1, entries }));
      layout.sparingTables = sparing;
    }
    const anchor = (s: number) => put(s, u.serializeAnchorVolumeDescriptorPointer({
      tag: { version: this.version, location: s }, mainVds: { byteLength: 16 * bs, sector: mainVds }, reserveVds: { byteLength: 16 * bs, sector: reserveVds },
    }));
    anchor(256);
    if (tail.includes('last')) anchor(total - 1);
    if (tail.includes('n-256')) anchor(total - 1 - 256);
    for (const [f, n] of this.nodes) {
      const w: { fe: number; fid?: number; data?: number; aed?: number } = { fe: this.icbByteOffset(n.icb, start) };
      if (n.dataBlock !== undefined) w.data = (start + n.dataBlock) * bs;
      if (n.aedBlocks[0] !== undefined) w.aed = this.icbByteOffset(n.aedBlocks[0], start);
      this.where.set(f, w);
    }
    for (const [f, { dir, offset }] of this.fidOffsets) {
      const w = this.where.get(f) ?? { fe: -1 };
      w.fid = dir.file.embedded ? this.icbByteOffset(dir.icb, start) + (this.efe ? 216 : 176) + offset : this.icbByteOffset(dir.dirBlock as number, start) + offset;
      this.where.set(f, w);
    }
    Object.assign(layout, { mainVds, reserveVds, lvid: lvidSector });
    if (this.kind === 'metadata') Object.assign(layout, { metadataFe: start * bs, mirrorFe: (start + 1) * bs });
    return { bytes: img, blockSize: bs, partitionStartSector: start, where: this.where, layout };
  }

  /** Byte offset of an ICB-space block. */
  private icbByteOffset(block: number, start: number): number {
    return (start + this.physOfIcb(block)) * this.bs;
  }

  private writeVat(): void {
    const vatFeBlock = this.physNext + 1;
    const dataBlock = this.physNext;
    const vat = this.o.vat15
      ? u.serializeVat15({ identifier: u.udfEntityId(u.EntityIdentifier.VIRTUAL_ALLOCATION_TABLE, 0x0150), previousVatIcbLocation: 0xffffffff, entries: this.vat })
      : u.serializeVat20({
        logicalVolumeIdentifier: this.o.logicalVolumeId ?? 'TESTLV', previousVatIcbLocation: 0xffffffff, fileCount: this.order.filter((n) => n.kind !== 'dir').length,
        directoryCount: this.order.filter((n) => n.kind === 'dir').length, minUdfReadRevision: this.rev, minUdfWriteRevision: this.rev, maxUdfWriteRevision: this.rev,
        implementationUse: new Uint8Array(0), entries: this.vat,
      });
    this.phys.set(dataBlock, pad(vat, this.bs));
    this.phys.set(vatFeBlock, pad(u.serializeFileEntry({
      tag: { version: this.version, location: vatFeBlock }, extended: this.efe,
      icbTag: { priorRecordedDirectEntries: 0, strategyType: 4, strategyParameter: 0, maxEntries: 1, fileType: this.o.vat15 ? 0 : u.FileType.VAT, parentIcb: { blockNumber: 0, partitionRef: 0 }, flags: u.AdForm.SHORT },
      uid: 0xffffffff, gid: 0xffffffff, permissions: 0, linkCount: 1, recordFormat: 0, recordDisplayAttributes: 0, recordLength: 0, informationLength: vat.length, objectSize: vat.length,
      logicalBlocksRecorded: 1, accessTime: this.ts(T0), modificationTime: this.ts(T0), creationTime: this.ts(T0), attributeTime: this.ts(T0), checkpoint: 1,
      extendedAttributeIcb: { byteLength: 0, extentType: 0, blockNumber: 0, partitionRef: 0 }, streamDirectoryIcb: { byteLength: 0, extentType: 0, blockNumber: 0, partitionRef: 0 },
      implementationIdentifier: { flags: 0, identifier: '*isokit test', suffix: new Uint8Array(8) }, uniqueId: 1000, extendedAttributes: new Uint8Array(0),
      allocationDescriptors: u.serializeAllocationDescriptors([{ byteLength: vat.length, extentType: 0, blockNumber: dataBlock }], u.AdForm.SHORT),
    }), this.bs));
    this.physNext = vatFeBlock + 1;
  }

  private lvid(sector: number, partitionBlocks: number): Uint8Array {
    const files = this.order.filter((n) => n.kind !== 'dir').length;
    const dirs = this.order.length - files;
    return u.serializeLogicalVolumeIntegrityDescriptor({
      tag: { version: this.version, location: sector }, recordingTime: this.ts(T0), integrityType: this.o.integrity === 'open' ? 0 : 1,
      nextIntegrityExtent: { byteLength: 0, sector: 0 }, nextUniqueId: 16 + this.order.length, contentsUseReserved: new Uint8Array(24),
      freeSpaceTable: this.maps().map(() => 0), sizeTable: this.maps().map(() => partitionBlocks),
      implementationUse: {
        implementationIdentifier: { flags: 0, identifier: '*isokit test', suffix: new Uint8Array(8) }, fileCount: files, directoryCount: dirs,
        minUdfReadRevision: this.rev, minUdfWriteRevision: this.rev, maxUdfWriteRevision: this.rev, implementationUse: new Uint8Array(0),
      },
    });
  }

  private maps(): u.PartitionMap[] {
    const id = (s: string) => u.udfEntityId(s, this.rev);
    const t1: u.PartitionMap = { type: 1, kind: 'type1', volumeSequenceNumber: 1, partitionNumber: 0 };
    switch (this.kind) {
      case 'type1': return [t1];
      case 'virtual': return [t1, { type: 2, kind: 'virtual', identifier: id(u.EntityIdentifier.VIRTUAL_PARTITION), volumeSequenceNumber: 1, partitionNumber: 0 }];
      case 'metadata': return [t1, {
        type: 2, kind: 'metadata', identifier: id(u.EntityIdentifier.METADATA_PARTITION), volumeSequenceNumber: 1, partitionNumber: 0,
        metadataFileBlock: 0, mirrorFileBlock: 1, bitmapFileBlock: 0xffffffff, allocationUnitBlocks: 32, alignmentUnitBlocks: 1, flags: this.o.duplicateMetadata === false ? 0 : 1,
      }];
      case 'sparable': return [{
        type: 2, kind: 'sparable', identifier: id(u.EntityIdentifier.SPARABLE_PARTITION), volumeSequenceNumber: 1, partitionNumber: 0,
        packetLength: 32, sparingTableCount: 2, sparingTableByteLength: 56 + 8 * (this.o.sparedPackets?.length ?? 0), sparingTableSectors: [],
      }];
    }
  }

  /** The descriptors of one Volume Descriptor Sequence, each made for the sector it goes to. */
  private volumeDescriptors(start: number, blocks: number, lvidSector: number, sparing: number[]): ((sector: number) => Uint8Array)[] {
    const v = this.version;
    const impl = { flags: 0, identifier: '*isokit test', suffix: new Uint8Array(8) };
    const maps = this.maps().map((m) => (m.kind === 'sparable' ? { ...m, sparingTableSectors: sparing } : m));
    const fsdAt: u.AllocationDescriptor = { byteLength: 2 * this.bs, extentType: 0, blockNumber: 0, partitionRef: this.icbRef };
    return [
      (s) => u.serializePrimaryVolumeDescriptor({
        tag: { version: v, location: s }, vdsNumber: 0, primaryVolumeDescriptorNumber: 0, volumeIdentifier: this.o.volumeId ?? 'TESTVOL', volumeSequenceNumber: 1,
        maxVolumeSequenceNumber: 1, interchangeLevel: 2, maxInterchangeLevel: 2, characterSetList: 1, maxCharacterSetList: 1, volumeSetIdentifier: '0123456789ABCDEFtest',
        descriptorCharset: u.OSTA_CS0, explanatoryCharset: u.OSTA_CS0, volumeAbstract: { byteLength: 0, sector: 0 }, volumeCopyrightNotice: { byteLength: 0, sector: 0 },
        applicationIdentifier: { flags: 0, identifier: '*isokit tests', suffix: new Uint8Array(8) }, recordingTime: this.ts(T0), implementationIdentifier: impl,
        implementationUse: new Uint8Array(64), predecessorVdsLocation: 0, flags: 0,
      }),
      (s) => u.serializeImplementationUseVolumeDescriptor({
        tag: { version: v, location: s }, vdsNumber: 1, implementationIdentifier: u.udfEntityId(u.EntityIdentifier.LV_INFO, this.rev),
        lvInformation: { charset: u.OSTA_CS0, logicalVolumeIdentifier: this.o.logicalVolumeId ?? 'TESTLV', info1: 'owner', info2: 'org', info3: 'contact', implementationIdentifier: impl, implementationUse: new Uint8Array(128) },
      }),
      (s) => u.serializePartitionDescriptor({
        tag: { version: v, location: s }, vdsNumber: 2, flags: 1, partitionNumber: 0, contents: { flags: 0, identifier: v === 3 ? '+NSR03' : '+NSR02', suffix: new Uint8Array(8) },
        header: { unallocatedSpaceTable: nil, unallocatedSpaceBitmap: nil, partitionIntegrityTable: nil, freedSpaceTable: nil, freedSpaceBitmap: nil },
        accessType: this.kind === 'virtual' ? 2 : this.kind === 'sparable' ? 3 : 1, startSector: start, blockCount: blocks, implementationIdentifier: impl, implementationUse: new Uint8Array(128),
      }),
      (s) => u.serializeLogicalVolumeDescriptor({
        tag: { version: v, location: s }, vdsNumber: 3, descriptorCharset: u.OSTA_CS0, logicalVolumeIdentifier: this.o.logicalVolumeId ?? 'TESTLV', logicalBlockSize: this.bs,
        domainIdentifier: u.udfEntityId(u.EntityIdentifier.OSTA_DOMAIN, this.rev), fileSetLocation: fsdAt, implementationIdentifier: impl, implementationUse: new Uint8Array(128),
        integritySequence: { byteLength: 2 * this.bs, sector: lvidSector }, partitionMaps: maps,
      }),
      (s) => u.serializeUnallocatedSpaceDescriptor({ tag: { version: v, location: s }, vdsNumber: 4, extents: [] }),
      (s) => u.serializeTerminatingDescriptor({ tag: { version: v, location: s } }),
    ];
  }
}

const nil: u.AllocationDescriptor = { byteLength: 0, extentType: 0, blockNumber: 0 };

function pad(b: Uint8Array, bs: number): Uint8Array {
  const out = new Uint8Array(Math.max(bs, Math.ceil(b.length / bs) * bs));
  out.set(b);
  return out;
}

/** Recompute the tag (checksum and CRC) of the descriptor at `byteOffset` after a test changed its body. */
export function retag(img: Uint8Array, byteOffset: number): void {
  const b = img.subarray(byteOffset);
  const len = 16 + ((b[10] as number) | ((b[11] as number) << 8));
  const id = (b[0] as number) | ((b[1] as number) << 8);
  const t = u.parseDescriptorTag(b, 0);
  u.writeDescriptorTag(b.subarray(0, len), id, t);
}
