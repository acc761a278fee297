/**
 * What an opened image keeps for reading its trees later (`openTree`, the streaming walk): the descriptor set,
 * the root's Rock Ridge information and the findings list. Internal to src/read.
 */
import { ErrorCode, IsoKitError, type Findings } from '../errors/index.js';
import type { ByteSource } from '../io/index.js';
import type { Namespace } from '../model/index.js';
import type { DirectoryRecord } from '../formats/iso9660/index.js';
import type { RockRidgeInfo } from '../formats/rockridge/interpret.js';
import type { DescriptorSet } from './descriptors.js';
import type { TreeBuildOptions } from './tree-nodes.js';

export interface RootRockRidge {
  info: RockRidgeInfo;
  lenSkp: number;
}

export interface ImageState {
  readonly source: ByteSource;
  readonly set: DescriptorSet;
  readonly rootRr: RootRockRidge | undefined;
  readonly findings: Findings;
  readonly signal: AbortSignal | undefined;
}

/** The state of each image `openImage` returned (weakly held: it goes with the image). */
export const imageStates = new WeakMap<object, ImageState>();

/** How to read the tree of namespace `ns`: the build options and the root directory record. */
export function namespaceRoot(ns: Namespace, state: ImageState, signal: AbortSignal | undefined): { opts: TreeBuildOptions; rootRecord: DirectoryRecord } {
  const { source, set, rootRr, findings } = state;
  const common = { source, findings, ...(signal ? { signal } : {}) };
  if (ns === 'joliet') {
    const svd = set.joliet.find((d) => d.rootRecord);
    if (!svd?.rootRecord) throw new IsoKitError(ErrorCode.NOT_FOUND, `${source.name} has no Joliet tree`);
    return { opts: { ...common, mode: 'joliet' }, rootRecord: svd.rootRecord };
  }
  const root = set.pvd?.rootRecord;
  if (!root) {
    throw new IsoKitError(ErrorCode.CORRUPT, 'the root directory record is unreadable', { byteOffset: (set.pvd?.byteOffset ?? 32768) + 156, structure: 'PrimaryVolumeDescriptor' });
  }
  if (ns === 'rockridge' && rootRr) return { opts: { ...common, mode: 'rockridge', lenSkp: rootRr.lenSkp, rootInfo: rootRr.info }, rootRecord: root };
  if (ns === 'udf') throw new IsoKitError(ErrorCode.UNSUPPORTED, 'UDF trees are not supported yet');
  return { opts: { ...common, mode: 'iso9660' }, rootRecord: root };
}
