/**
 * `openImage`: detect → read the volume descriptor set → choose a namespace → build the tree, plus the
 * El Torito boot catalog and partition tables of the system area. Damaged-but-readable input gives findings;
 * only what cannot be read past (no PVD, truncated before the descriptors, unreadable root) throws.
 */
import { ErrorCode, Findings, IsoKitError, asIsoKitError, FindingCode } from '../errors/index.js';
import { throwIfAborted, type ByteSource } from '../io/index.js';
import { walkTree, type Namespace, type TreeNode } from '../model/index.js';
import { SECTOR_SIZE, parseDirectoryRecord, type DirectoryRecord, type PrimaryVolumeDescriptor } from '../formats/iso9660/index.js';
import type { RockRidgeInfo } from '../formats/rockridge/interpret.js';
import { imageStates, namespaceRoot, type ImageState, type RootRockRidge } from './image-state.js';
import { readBootCatalog, type BootCatalogInfo } from './boot.js';
import { readDescriptorSet, readSessions, type DescriptorSet } from './descriptors.js';
import { readDirectoryExtent } from './directory.js';
import { assignLinkGroups } from './hard-links.js';
import { readPartitionTables } from './partitions.js';
import { readRockRidgeBatch, rripVersionOf } from './rock-ridge.js';
import { buildTree, type TreeStats } from './tree.js';
import type { IsoImage, NamespacesInfo, OpenImageOptions, SessionInfo, VolumeInfo } from './types.js';

/** Open an ISO 9660 image (with Joliet / Rock Ridge / El Torito / hybrid partition tables when present). */
export async function openImage(source: ByteSource, options: OpenImageOptions = {}): Promise<IsoImage> {
  try {
    return await openImageInner(source, options);
  } catch (e) {
    if (e instanceof IsoKitError) throw e;
    if (e instanceof Error && e.name === 'AbortError') throw asIsoKitError(e);
    // a raw exception here is a bug in isokit, never something the image may cause: say so
    throw new IsoKitError(ErrorCode.INTERNAL, `internal error while reading ${source.name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

async function openImageInner(source: ByteSource, options: OpenImageOptions): Promise<IsoImage> {
  const findings = new Findings(options.strict ?? false);
  const signal = options.signal;
  throwIfAborted(signal);
  const set = await readDescriptorSet(source, findings, signal);
  const pvd = set.pvd as PrimaryVolumeDescriptor;
  if (pvd.logicalBlockSize !== SECTOR_SIZE) {
    findings.warn(FindingCode.BLOCK_SIZE, `logical block size ${pvd.logicalBlockSize} is not ${SECTOR_SIZE}; reading with ${SECTOR_SIZE}`, pvd.byteOffset + 128, 'PrimaryVolumeDescriptor');
  }
  if (pvd.volumeSpaceBlockCount * SECTOR_SIZE > source.byteLength) {
    findings.warn(FindingCode.IMAGE_TRUNCATED, `volume space size is ${pvd.volumeSpaceBlockCount} blocks but ${source.name} has only ${Math.floor(source.byteLength / SECTOR_SIZE)}`, pvd.byteOffset + 80, 'PrimaryVolumeDescriptor');
  }
  const sessions = await guarded(findings, options, FindingCode.SESSIONS_UNREADABLE, () => readSessions(source, pvd, findings));
  const rootRr = pvd.rootRecord ? await readRootRockRidge(source, pvd.rootRecord, findings, signal) : undefined;
  const jolietSvd = set.joliet.find((d) => d.rootRecord);
  const namespaces: NamespacesInfo = {
    iso9660: { level: 1 },
    ...(set.enhanced.length ? { iso9660_1999: true as const } : {}),
    ...(jolietSvd?.joliet ? { joliet: { level: jolietSvd.joliet } } : {}),
    ...(rootRr ? { rockridge: rockRidgeSummary(rootRr.info) } : {}),
    ...(set.udfSeen ? { udf: { seen: true as const } } : {}),
  };
  const state: ImageState = { source, set, rootRr, findings, signal };
  const trees = new Map<Namespace, Promise<{ root: TreeNode; stats: TreeStats }>>();
  const build = (ns: Namespace) => {
    let t = trees.get(ns);
    if (!t) {
      const { opts, rootRecord } = namespaceRoot(ns, state, signal);
      t = buildTree(opts, rootRecord).then((built) => {
        if (opts.mode === 'rockridge') assignLinkGroups(built.root);
        return built;
      });
      trees.set(ns, t);
    }
    return t;
  };
  const namespace = chooseNamespace(options.namespace ?? 'auto', namespaces, source);
  let tree: TreeNode | undefined;
  if (!options.deferTree) {
    const built = await build(namespace);
    tree = built.root;
    // the ISO 9660 level comes from the ISO 9660 identifiers (Rock Ridge trees are built from them too)
    const isoStats = namespace === 'joliet' ? (await build('iso9660')).stats : built.stats;
    namespaces.iso9660.level = isoStats.multiExtent ? 3 : isoStats.longNames ? 2 : 1;
  } else {
    // fail now, as the eager path would, when the chosen namespace has no readable root
    namespaceRoot(namespace, state, signal);
  }
  const bootCatalog = await readBoot(source, set, tree, findings, options);
  const partitions = (await guarded(findings, options, FindingCode.PARTITIONS_UNREADABLE, () => readPartitionTables(source, findings))) ?? { kinds: [], isoCoveredBy: [] };
  const image = {
    source,
    volume: volumeInfo(pvd, jolietSvd?.volumeId),
    descriptors: set.summaries,
    namespaces,
    namespace,
    get tree(): TreeNode {
      if (tree) return tree;
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'this image was opened with deferTree: read it with walkImage() or openTree()');
    },
    ...(bootCatalog ? { bootCatalog } : {}),
    partitions,
    sessions: sessions ?? [{ startLba: 0, blockCount: pvd.volumeSpaceBlockCount }],
    get findings() {
      return findings.toArray();
    },
    async openTree(ns: Namespace): Promise<TreeNode> {
      if (ns !== 'iso9660' && !namespaces[ns as 'joliet' | 'rockridge']) {
        throw new IsoKitError(ErrorCode.NOT_FOUND, `${source.name} has no ${ns === 'udf' ? 'UDF (not supported yet)' : ns === 'joliet' ? 'Joliet' : 'Rock Ridge'} tree`);
      }
      try {
        return (await build(ns)).root;
      } catch (e) {
        trees.delete(ns);
        throw e instanceof IsoKitError ? e : new IsoKitError(ErrorCode.INTERNAL, `internal error while reading the ${ns} tree: ${String(e)}`, { cause: e });
      }
    },
  } satisfies IsoImage;
  imageStates.set(image, state);
  return image;
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

function chooseNamespace(choice: NonNullable<OpenImageOptions['namespace']>, ns: NamespacesInfo, source: ByteSource): Namespace {
  if (choice === 'auto') return ns.rockridge ? 'rockridge' : ns.joliet ? 'joliet' : 'iso9660';
  if (choice === 'iso9660' || ns[choice]) return choice;
  throw new IsoKitError(ErrorCode.NOT_FOUND, `${source.name} has no ${choice === 'joliet' ? 'Joliet' : 'Rock Ridge'} tree (choose another namespace)`);
}

/** Rock Ridge is present when the root's "." record starts with an SP entry (SUSP 5.3); ER names the version. */
async function readRootRockRidge(source: ByteSource, root: DirectoryRecord, findings: Findings, signal?: AbortSignal): Promise<RootRockRidge | undefined> {
  const first = await readDirectoryExtent(source, root.lba, Math.min(root.dataLength, SECTOR_SIZE), findings, root.byteOffset, signal);
  if (!first || first.length === 0) {
    throw new IsoKitError(ErrorCode.CORRUPT, `the root directory at LBA ${root.lba} lies outside the image`, { byteOffset: root.byteOffset, structure: 'DirectoryRecord' });
  }
  const self = parseDirectoryRecord(first, 0, root.lba * SECTOR_SIZE, findings);
  if (!self || self.systemUse.length < 7) return undefined;
  const su = self.systemUse;
  if (su[0] !== 0x53 || su[1] !== 0x50) return undefined; // "SP"
  const [info] = await readRockRidgeBatch({ source, findings, ceCache: new Map(), ...(signal ? { signal } : {}) }, [self], 0);
  if (!info || info.lenSkp === undefined) return undefined;
  return { info, lenSkp: info.lenSkp };
}

function rockRidgeSummary(info: RockRidgeInfo): { version: string; extensionId?: string } {
  const ext = info.extensions?.find((e) => /RRIP|1282/.test(e.id)) ?? info.extensions?.[0];
  return { version: rripVersionOf(ext?.id), ...(ext ? { extensionId: ext.id } : {}) };
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

function volumeInfo(pvd: PrimaryVolumeDescriptor, jolietVolumeId: string | undefined): VolumeInfo {
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

export type { SessionInfo };
