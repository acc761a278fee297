/** Optical drives through libburn (xorriso): listing, burning, blanking, read-back verification. */
export { listOpticalDrives, queryDrive, opticalDevicePaths, parseTocLayout, type OpticalDrive, type OpticalMedium, type DiscSession, type ListOpticalDrivesOptions } from './drives.js';
export { burnImage, checkBurnImage, type BurnOptions, type BurnSummary, type BurnImageInfo } from './burn.js';
export { blankMedium, type BlankOptions, type BlankResult } from './blank.js';
export { planBurn, burnArgs, neededBytes, CD_PADDING_BYTES, type BurnPlan, type BlankPolicy } from './plan.js';
export { digestImage, verifyReadback, type ImageDigests, type ReadbackOptions, type ReadbackResult } from './readback.js';
export { chooseSpeed, parseSpeedRequest, writeSpeed, mediumTypeOf, ONE_X_KBPS, SAFE_MIN_X, type MediumType, type SpeedChoice, type SpeedRequest, type WriteSpeed } from './medium.js';
export { XorrisoDialog, MIN_XORRISO_VERSION, type XorrisoOptions, type XorrisoBatch } from './xorriso.js';
export type { BurnProgress, BurnPhase } from './session.js';
