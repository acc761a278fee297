/** The image reader: `openImage(source)` → volume info, namespaces, tree, boot catalog, partitions, findings. */
export { openImage } from './open-image.js';
export type { IsoImage, OpenImageOptions, NamespaceChoice, VolumeInfo, VolumeDescriptorSummary, NamespacesInfo, SessionInfo } from './types.js';
export { extentsContent } from './content.js';
export { MAX_TREE_DEPTH, type TreeMode } from './tree.js';
export { assignLinkGroups } from './hard-links.js';
export { walkImage, walkImageBatches, type WalkEntry, type WalkOptions } from './walk.js';
export * from './views/index.js';
