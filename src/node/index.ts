/**
 * `isokit/node`: the Node adapters (files, devices, processes) on top of the browser-safe core.
 * The only layer allowed to import node:*.
 */
export * from '../index.js';
export { FileSource, openFileSource } from './file-source.js';
export { AtomicFileSink, partialName } from './atomic-file.js';
export { ioError } from './errors.js';
export { openSource } from './open-source.js';
export { treeFromFileSystem, parseGraftSource, type GraftSource, type FsTreeOptions } from './fs-tree.js';
export { FileContent } from './fs-content.js';
export { createImageFile, type CreateImageOptions, type CreateReport } from './create.js';
export { writeImageLayout, checkFreeSpace, type WriteImageOptions } from './write-image.js';
export { listDrives, findDrive, type Drive, type DriveList, type DrivePartition, type ListDrivesOptions } from './drives.js';
export { DeviceSink, type DeviceSinkOptions } from './device-sink.js';
export { remasterImageFile, type RemasterImageOptions, type RemasterFileReport } from './remaster.js';
export { writeImage, type WriteRequest, type WritePlan, type WriteSummary, type TargetResult, type WriteProgress } from './write/index.js';
export { inspectImageHead, type ImageInspection } from './write/inspect.js';
export { readTemplateFile } from './boot-files.js';
export { openImageFile } from './open-image.js';
export { extractTree, extractImage, type ExtractOptions, type ExtractSummary } from './extract.js';
export { hashFile } from './hash-file.js';
export { verifyImageFile, findReferenceFiles } from './verify-file.js';
export {
  listOpticalDrives, burnImage, blankMedium, verifyReadback, planBurn,
  type OpticalDrive, type OpticalMedium, type BurnOptions, type BurnSummary, type BurnProgress, type BlankOptions, type BlankResult, type BurnPlan, type ReadbackResult,
} from './optical/index.js';
export { ripImage, type RipOptions, type RipSummary, type RipProgress } from './rip/index.js';
