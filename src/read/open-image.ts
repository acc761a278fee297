/**
 * `openImage`: detect what the source holds → its namespaces → one directory reader per namespace (the reader
 * seam, namespace.ts) → the tree of the chosen namespace, plus the El Torito boot catalog and the partition
 * tables. Detection does not need an ISO 9660 PVD: an ISO 9660 volume (with Joliet / Rock Ridge and a UDF
 * bridge), a UDF-only volume, a FAT volume, or a disk image whose partition holds FAT each reach
 * their own reader. Damaged-but-readable input gives findings; only what cannot be read past throws.
 */
import { ErrorCode, Findings, IsoKitError, asIsoKitError, FindingCode } from '../errors/index.js';
import { subSource, throwIfAborted, type ByteSource } from '../io/index.js';
import { walkTree, type Namespace, type TreeNode } from '../model/index.js';
import { FIRST_VOLUME_DESCRIPTOR_LBA, SECTOR_SIZE, type PrimaryVolumeDescriptor } from '../formats/iso9660/index.js';
import { parseFatBootSector } from '../formats/fat/index.js';
import { readBootCatalog, type BootCatalogInfo } from './boot.js';
import { readDescriptorSet, readSessions, type DescriptorSet } from './descriptors.js';
import { openFatVolume } from './fat/index.js';
import { assignLinkGroups } from './hard-links.js';
import { isIsoNamespace, isoReader, readRootRockRidge, rripVersionOf, type IsoNamespace, type RootRockRidge } from './iso9660/open.js';
import type { IsoTreeReader } from './iso9660/reader.js';
import type { DirectoryReader } from './namespace.js';
import { readPartitionTables, type PartitionTables } from './partitions.js';
import { readTree, readerError } from './traverse.js';
import type { UdfVolumeInfo } from './udf/info.js';
import { udfNamespace, type UdfNamespace } from './udf/reader.js';
import type { IsoImage, NamespaceChoice, NamespacesInfo, OpenImageOptions, SessionInfo, VolumeInfo } from './types.js';

const NAMESPACE_NAMES: Record<Namespace, string> = { rockridge: 'Rock Ridge', joliet: 'Joliet', iso9660: 'ISO 9660', udf: 'UDF', fat: 'FAT' };
/** The automatic choice: POSIX metadata first, then the tree Windows media keep only in UDF, then Joliet. */
const AUTO_ORDER: readonly Namespace[] = ['rockridge', 'udf', 'joliet', 'iso9660', 'fat'];

/** What the detectors found: per namespace, how to make its reader. */
interface Detected {
  readonly set: DescriptorSet | undefined;
  readonly pvd: PrimaryVolumeDescriptor | undefined;
  readonly rootRr: RootRockRidge | undefined;
  readonly namespaces: NamespacesInfo;
  /** each namespace's reader factory (`findings`: where its findings go, default the image's) */
  readonly readers: Map<Namespace, (findings?: Findings) => Promise<DirectoryReader>>;
  readonly fatLabel?: string;
  /** the UDF volume's identification, when it is readable */
  readonly udf?: UdfVolumeInfo;
}

/** Open an image (ISO 9660 with Joliet / Rock Ridge / El Torito / hybrid partition tables, UDF, FAT). */
export async function openImage(source: ByteSource, options: OpenImageOptions = {}): Promise<IsoImage> {
  try {
    return await openImageInner(source, options);
  } catch (e) {
    throw readerError(e, source.name);
  }
}

async function openImageInner(source: ByteSource, options: OpenImageOptions): Promise<IsoImage> {
  const findings = new Findings(options.strict ?? false);
  const signal = options.signal;
  throwIfAborted(signal);
  const found = await detect(source, findings, options);
  const trees = new Map<Namespace, Promise<TreeNode>>();
  const build = (ns: Namespace): Promise<TreeNode> => {
    let t = trees.get(ns);
    if (!t) {
      t = readerFor(found, ns, source).then((r) => readTree(r, signal ? { signal } : {})).then((root) => {
        if (ns === 'rockridge') assignLinkGroups(root);
        return root;
      });
      trees.set(ns, t);
    }
    return t;
  };
  const namespace = chooseNamespace(options.namespace ?? 'auto', found.namespaces, source);
  let tree: TreeNode | undefined;
  if (!options.deferTree) {
    tree = await build(namespace);
    if (found.pvd) await noteIsoLevel(found, namespace, tree, build);
  } else if (isIsoNamespace(namespace)) {
    // fail now, as the eager path would, when the chosen namespace has no readable root
    await readerFor(found, namespace, source);
  }
  const bootCatalog = found.set ? await readBoot(source, found.set, tree, findings, options) : undefined;
  const partitions = (await guarded(findings, options, FindingCode.PARTITIONS_UNREADABLE, () => readPartitionTables(source, findings))) ?? { kinds: [], isoCoveredBy: [] };
  const sessions = found.pvd ? await guarded(findings, options, FindingCode.SESSIONS_UNREADABLE, () => readSessions(source, found.pvd as PrimaryVolumeDescriptor, findings)) : undefined;
  const volume = volumeInfo(found, source, found.set?.joliet.find((d) => d.rootRecord)?.volumeId);
  const image = {
    source,
    volume,
    descriptors: found.set?.summaries ?? [],
    namespaces: found.namespaces,
    namespace,
    get tree(): TreeNode {
      if (tree) return tree;
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'this image was opened with deferTree: read it with walkImage() or openTree()');
    },
    ...(bootCatalog ? { bootCatalog } : {}),
    ...(found.udf ? { udf: found.udf } : {}),
    partitions,
    sessions: sessions ?? [{ startLba: 0, blockCount: volume.blockCount }],
    get findings() {
      return findings.toArray();
    },
    async openTree(ns: Namespace): Promise<TreeNode> {
      try {
        return await build(ns);
      } catch (e) {
        trees.delete(ns);
        throw readerError(e, `the ${NAMESPACE_NAMES[ns]} tree`);
      }
    },
    reader(ns?: Namespace, opts: { findings?: Findings } = {}): Promise<DirectoryReader> {
      return readerFor(found, ns ?? namespace, source, opts.findings);
    },
  } satisfies IsoImage;
  return image;
}

function readerFor(found: Detected, ns: Namespace, source: ByteSource, findings?: Findings): Promise<DirectoryReader> {
  const make = found.readers.get(ns);
  if (!make) return Promise.reject(new IsoKitError(ErrorCode.NOT_FOUND, `${source.name} has no ${NAMESPACE_NAMES[ns]} tree`));
  return make(findings);
}

/** The ISO 9660 level is not recorded: it is the lowest level whose rules the names and extents fit. */
async function noteIsoLevel(found: Detected, ns: Namespace, tree: TreeNode, build: (ns: Namespace) => Promise<TreeNode>): Promise<void> {
  if (!found.namespaces.iso9660) return;
  // the ISO 9660 identifiers are those of the Rock Ridge tree too; a Joliet or other tree needs the ISO 9660 one read
  const isoTree = ns === 'iso9660' || ns === 'rockridge' ? tree : await build('iso9660');
  let multi = false, long = false;
  for (const { node } of walkTree(isoTree)) {
    if ((node.extents?.length ?? 0) > 1 && node.kind === 'file') multi = true;
    const name = node.names?.iso9660;
    if (name !== undefined && isLong(name, node.kind === 'dir')) long = true;
  }
  found.namespaces.iso9660.level = multi ? 3 : long ? 2 : 1;
}

function isLong(name: string, isDir: boolean): boolean {
  if (isDir) return name.length > 8;
  const dot = name.lastIndexOf('.');
  return (dot < 0 ? name.length : dot) > 8 || (dot < 0 ? 0 : name.length - dot - 1) > 3;
}

/** Find the volumes in the source. Throws NOT_ISO when there is none. */
async function detect(source: ByteSource, findings: Findings, options: OpenImageOptions): Promise<Detected> {
  const signal = options.signal;
  const iso = await detectIso(source, findings, options);
  if (iso) return iso;
  const udf = await detectUdfOnly(source, findings, options);
  if (udf) return udf;
  const fat = await detectFat(source, findings, signal);
  if (fat) return fat;
  if (source.byteLength < (FIRST_VOLUME_DESCRIPTOR_LBA + 1) * SECTOR_SIZE) {
    throw new IsoKitError(
      source.byteLength === 0 ? ErrorCode.NOT_ISO : ErrorCode.TRUNCATED,
      `${source.name} is ${source.byteLength} bytes: too small for an ISO 9660 image (the first volume descriptor is at byte ${FIRST_VOLUME_DESCRIPTOR_LBA * SECTOR_SIZE})`,
      // no byte offset: the structure is missing, and an offset past the end would point nowhere
      { structure: 'VolumeDescriptor' },
    );
  }
  throw new IsoKitError(ErrorCode.NOT_ISO, `${source.name} is not an ISO 9660, UDF or FAT image (no primary volume descriptor "CD001" at LBA 16, no FAT boot sector)`, {
    byteOffset: FIRST_VOLUME_DESCRIPTOR_LBA * SECTOR_SIZE, structure: 'PrimaryVolumeDescriptor',
  });
}

async function detectIso(source: ByteSource, findings: Findings, options: OpenImageOptions): Promise<Detected | undefined> {
  if (source.byteLength < (FIRST_VOLUME_DESCRIPTOR_LBA + 1) * SECTOR_SIZE) return undefined;
  // findings about the descriptor set are the image's only when it is an ISO 9660 one (not a UDF-only VRS)
  const setFindings = new Findings();
  const set = await readDescriptorSet(source, setFindings, options.signal);
  const pvd = set.pvd;
  if (!pvd) return undefined;
  for (const x of setFindings.toArray()) findings.add(x);
  if (pvd.logicalBlockSize !== SECTOR_SIZE) {
    findings.warn(FindingCode.BLOCK_SIZE, `logical block size ${pvd.logicalBlockSize} is not ${SECTOR_SIZE}; reading with ${SECTOR_SIZE}`, pvd.byteOffset + 128, 'PrimaryVolumeDescriptor');
  }
  if (pvd.volumeSpaceBlockCount * SECTOR_SIZE > source.byteLength) {
    findings.warn(FindingCode.IMAGE_TRUNCATED, `volume space size is ${pvd.volumeSpaceBlockCount} blocks but ${source.name} has only ${Math.floor(source.byteLength / SECTOR_SIZE)}`, pvd.byteOffset + 80, 'PrimaryVolumeDescriptor');
  }
  const rootRr = pvd.rootRecord ? await readRootRockRidge(source, pvd.rootRecord, findings, options.signal) : undefined;
  const jolietSvd = set.joliet.find((d) => d.rootRecord);
  const ext = rootRr ? (rootRr.info.extensions?.find((e) => /RRIP|1282/.test(e.id)) ?? rootRr.info.extensions?.[0]) : undefined;
  const namespaces: NamespacesInfo = {
    iso9660: { level: 1 },
    ...(set.enhanced.length ? { iso9660_1999: true as const } : {}),
    ...(jolietSvd?.joliet ? { joliet: { level: jolietSvd.joliet } } : {}),
    ...(rootRr ? { rockridge: { version: rripVersionOf(ext?.id), ...(ext ? { extensionId: ext.id } : {}) } } : {}),
  };
  const readers = new Map<Namespace, (f?: Findings) => Promise<DirectoryReader>>();
  const isoNs: IsoNamespace[] = ['iso9660', ...(namespaces.joliet ? ['joliet' as const] : []), ...(rootRr ? ['rockridge' as const] : [])];
  for (const ns of isoNs) readers.set(ns, async (f?: Findings): Promise<IsoTreeReader> => isoReader(ns, set, rootRr, source, f ?? findings, options.signal));
  // a bridge image: its UDF volume (an unreadable one is a finding, and the ISO 9660 namespaces stay)
  const udf = set.udfSeen ? await udfNamespace(source, findings, { signal: options.signal, strict: options.strict }) : undefined;
  if (set.udfSeen) namespaces.udf = udfNamespaceInfo(udf);
  if (udf?.info) readers.set('udf', udf.reader);
  return { set, pvd, rootRr, namespaces, readers, ...(udf?.info ? { udf: udf.info } : {}) };
}

const udfNamespaceInfo = (udf: UdfNamespace | undefined): NonNullable<NamespacesInfo['udf']> =>
  udf?.info ? { seen: true, readable: true, ...(udf.info.revision ? { revision: udf.info.revision } : {}) } : { seen: true };

/** A UDF volume without an ISO 9660 PVD (a UDF-only disc): its errors are the image's. */
async function detectUdfOnly(source: ByteSource, findings: Findings, options: OpenImageOptions): Promise<Detected | undefined> {
  if (source.byteLength < (FIRST_VOLUME_DESCRIPTOR_LBA + 1) * SECTOR_SIZE) return undefined;
  const udf = await udfNamespace(source, findings, { signal: options.signal, required: true });
  if (!udf?.info) return undefined;
  const set = await readDescriptorSet(source, new Findings(), options.signal);
  return {
    set, pvd: undefined, rootRr: undefined,
    namespaces: { udf: udfNamespaceInfo(udf) },
    readers: new Map([['udf', udf.reader]]),
    udf: udf.info,
  };
}

/** A FAT volume at byte 0, or in the first FAT partition of an MBR/GPT disk image. */
async function detectFat(source: ByteSource, findings: Findings, signal?: AbortSignal): Promise<Detected | undefined> {
  const at = await fatVolumeStart(source, signal);
  if (at === undefined) return undefined;
  const volume = at.byteOffset === 0 && at.byteLength === source.byteLength ? source : subSource(source, at.byteOffset, at.byteLength);
  const fat = await openFatVolume(volume, findings, signal ? { signal } : {});
  const reader: DirectoryReader = { namespace: 'fat', root: fat.root, readDirectory: (dir) => fat.readDirectory(dir) };
  return {
    set: undefined, pvd: undefined, rootRr: undefined,
    namespaces: { fat: { type: fat.info.fatType, partitionByteOffset: at.byteOffset, ...(fat.info.label !== undefined ? { label: fat.info.label } : {}) } },
    readers: new Map([['fat', async () => reader]]),
    ...(fat.info.label !== undefined ? { fatLabel: fat.info.label } : {}),
  };
}

async function fatVolumeStart(source: ByteSource, signal?: AbortSignal): Promise<{ byteOffset: number; byteLength: number } | undefined> {
  if (source.byteLength < 512) return undefined;
  const first = await source.read(0, 512, signal ? { signal } : undefined);
  if (parseFatBootSector(first)) return { byteOffset: 0, byteLength: source.byteLength };
  const quiet = new Findings();
  const tables = await readPartitionTables(source, quiet).catch(() => undefined);
  const parts = [
    ...(tables?.gpt?.partitions ?? []).map((p) => ({ start: p.firstLba * 512, end: (p.lastLba + 1) * 512 })),
    ...(tables?.mbr?.partitions ?? []).filter((p) => p.type !== 0xee && p.sectorCount > 0).map((p) => ({ start: p.startLba * 512, end: (p.startLba + p.sectorCount) * 512 })),
  ];
  for (const p of parts) {
    if (p.start <= 0 || p.start + 512 > source.byteLength) continue;
    const bs = await source.read(p.start, 512, signal ? { signal } : undefined);
    if (parseFatBootSector(bs)) return { byteOffset: p.start, byteLength: Math.min(p.end, source.byteLength) - p.start };
  }
  return undefined;
}

/** Run a side reader (sessions, partitions, boot); its failure becomes a finding unless `strict`. */
async function guarded<T>(findings: Findings, options: OpenImageOptions, code: FindingCode, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (options.strict || (e instanceof IsoKitError && e.code === ErrorCode.ABORTED)) throw e;
    const err = asIsoKitError(e);
    findings.error(code, err.message, err.byteOffset, err.structure);
    return undefined;
  }
}

function chooseNamespace(choice: NamespaceChoice, ns: NamespacesInfo, source: ByteSource): Namespace {
  if (choice === 'auto') {
    const pick = AUTO_ORDER.find((n) => ns[n] && (n !== 'udf' || (ns.udf as { readable?: boolean }).readable));
    if (pick) return pick;
    throw new IsoKitError(ErrorCode.NOT_FOUND, `${source.name} has no tree isokit can read`);
  }
  if (ns[choice] && (choice !== 'udf' || (ns.udf as { readable?: boolean }).readable)) return choice;
  throw new IsoKitError(ErrorCode.NOT_FOUND, `${source.name} has no ${NAMESPACE_NAMES[choice]} tree (choose another namespace)`);
}

/** The boot catalog; with a deferred tree, without the file extents that name and size boot images. */
async function readBoot(source: ByteSource, set: DescriptorSet, root: TreeNode | undefined, findings: Findings, options: OpenImageOptions): Promise<BootCatalogInfo | undefined> {
  const br = set.bootRecords.find((d) => d.bootSystemId.startsWith('EL TORITO'));
  if (!br) {
    if (set.bootRecords.length) findings.info(FindingCode.BOOT_RECORD_UNKNOWN, `boot record for "${set.bootRecords[0]?.bootSystemId}" (not El Torito) ignored`, set.bootRecords[0]?.byteOffset, 'BootRecord');
    return undefined;
  }
  const fileExtents: { lba: number; byteLength: number; path: string }[] = [];
  if (root) for (const { node, path } of walkTree(root)) {
    const e = node.extents?.[0];
    if (node.kind === 'file' && e) fileExtents.push({ lba: e.lba, byteLength: node.extents?.length === 1 ? e.byteLength : node.size, path: `/${path}` });
  }
  return guarded(findings, options, FindingCode.BOOT_CATALOG_UNREADABLE, () => readBootCatalog(source, br.sector, findings, fileExtents));
}

function volumeInfo(found: Detected, source: ByteSource, jolietVolumeId: string | undefined): VolumeInfo {
  const pvd = found.pvd;
  if (!pvd && found.udf) return udfVolumeInfo(found.udf, source);
  if (!pvd) {
    const blockCount = Math.floor(source.byteLength / SECTOR_SIZE);
    return {
      systemId: '', volumeId: found.fatLabel ?? '', volumeSetId: '', publisherId: '', dataPreparerId: '', applicationId: '', copyrightFileId: '',
      abstractFileId: '', bibliographicFileId: '', blockCount, blockSize: SECTOR_SIZE, byteLength: blockCount * SECTOR_SIZE,
    };
  }
  const opt = (k: string, v: number | undefined) => (v !== undefined ? { [k]: v } : {});
  return {
    systemId: pvd.systemId,
    volumeId: pvd.volumeId,
    volumeSetId: pvd.volumeSetId,
    publisherId: pvd.publisherId,
    dataPreparerId: pvd.dataPreparerId,
    applicationId: pvd.applicationId,
    copyrightFileId: pvd.copyrightFileId,
    abstractFileId: pvd.abstractFileId,
    bibliographicFileId: pvd.bibliographicFileId,
    ...opt('creationMs', pvd.creationMs),
    ...opt('modificationMs', pvd.modificationMs),
    ...opt('expirationMs', pvd.expirationMs),
    ...opt('effectiveMs', pvd.effectiveMs),
    blockCount: pvd.volumeSpaceBlockCount,
    blockSize: SECTOR_SIZE,
    byteLength: pvd.volumeSpaceBlockCount * SECTOR_SIZE,
    ...(jolietVolumeId !== undefined && jolietVolumeId !== pvd.volumeId ? { jolietVolumeId } : {}),
  };
}

/** A UDF-only image: the UDF volume's identification (the logical volume id is what systems show as its label). */
function udfVolumeInfo(udf: UdfVolumeInfo, source: ByteSource): VolumeInfo {
  const blockCount = Math.floor(source.byteLength / udf.blockSize);
  return {
    systemId: '', volumeId: udf.logicalVolumeId, volumeSetId: udf.volumeSetId, publisherId: '', dataPreparerId: '', applicationId: udf.applicationId,
    copyrightFileId: '', abstractFileId: '', bibliographicFileId: '',
    ...(udf.recordingMs !== undefined ? { creationMs: udf.recordingMs } : {}),
    blockCount, blockSize: udf.blockSize, byteLength: blockCount * udf.blockSize,
  };
}

export type { SessionInfo, PartitionTables };
