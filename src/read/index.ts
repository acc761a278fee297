/** The image reader: `openImage(source)` → volume info, namespaces, tree, boot catalog, partitions, findings. */
export { openImage } from './open-image.js';
export type { IsoImage, OpenImageOptions, NamespaceChoice, VolumeInfo, VolumeDescriptorSummary, NamespacesInfo, SessionInfo } from './types.js';
export { extentsContent } from './content.js';
export { MAX_TREE_DEPTH } from './iso9660/reader.js';
export type { TreeMode } from './iso9660/nodes.js';
export type { DirectoryReader, ReadDirectoryOptions } from './namespace.js';
export { readTree, walkReader, lookUpPath } from './traverse.js';
export { listImage, type ListOptions } from './list.js';
export { LongRows, ShortRows, type RowSink } from './views/rows.js';
export { assignLinkGroups } from './hard-links.js';
export { walkImage, walkImageBatches, type WalkEntry, type WalkOptions } from './walk.js';
export * from './views/index.js';
