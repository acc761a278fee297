/**
 * The mkisofs / genisoimage / `xorriso -as mkisofs` compatible front end: argument grammar → normalised
 * `MkisofsRequest` → image (through the writer in src/create).
 */
export type {
  MkisofsRequest, MkisofsInvocation, GraftPoint, DiskSource, BootImageRef, Emulation, ElToritoEntry, AppendedPartition, SystemAreaKind,
  SystemAreaPlan, BootCatalogPlan, BootPlan, IgnoredOption,
} from './types.js';
export { parseMkisofsArgs, parseGraftPoint, parseModificationDate, type ParseEnv } from './parse.js';
export { parseDiskSource, parseBootImage, INTERVAL_PREFIX } from './interval.js';
export { parseGuid, parsePlatform, parsePartitionType, GUID_EFI_SYSTEM, GUID_BASIC_DATA } from './boot.js';
export { OPTION_SPECS, findOption, helpText, type OptionSpec, type OptionEffect } from './options.js';
export { adjustTree, rationalMode } from './tree-adjust.js';
