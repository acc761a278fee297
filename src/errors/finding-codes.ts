/**
 * Finding codes: one exported const object, so that callers (the CLI, the web UI, tests) match on names the
 * compiler checks, never on bare strings. Error codes (ErrorCode) double as finding codes where a side reader's
 * failure is recorded as a finding (check, open-image's guarded readers). New formats add their codes here in a
 * section of their own.
 */
import { ErrorCode } from './error-code.js';

export const FindingCode = {
  ...ErrorCode,
  // ISO 9660, Joliet, Rock Ridge / SUSP, El Torito, MBR / GPT / APM, sessions, the image as a whole
  APM_BLOCK_SIZE: 'APM_BLOCK_SIZE',
  APM_ENTRY_MISSING: 'APM_ENTRY_MISSING',
  APM_TOO_MANY: 'APM_TOO_MANY',
  BAD_GMT_OFFSET: 'BAD_GMT_OFFSET',
  BAD_NAME: 'BAD_NAME',
  BLOCK_SIZE: 'BLOCK_SIZE',
  BOOT_CATALOG_UNREADABLE: 'BOOT_CATALOG_UNREADABLE',
  BOOT_RECORD_UNKNOWN: 'BOOT_RECORD_UNKNOWN',
  BOTH_ENDIAN_MISMATCH: 'BOTH_ENDIAN_MISMATCH',
  CE_OUTSIDE: 'CE_OUTSIDE',
  DESCRIPTOR_AFTER_TERMINATOR: 'DESCRIPTOR_AFTER_TERMINATOR',
  DIRECTORY_LOOP: 'DIRECTORY_LOOP',
  DIRECTORY_TOO_LARGE: 'DIRECTORY_TOO_LARGE',
  DIR_RECORD_CROSSES_SECTOR: 'DIR_RECORD_CROSSES_SECTOR',
  DIR_RECORD_LENGTH: 'DIR_RECORD_LENGTH',
  DIR_RECORD_MISPLACED: 'DIR_RECORD_MISPLACED',
  DUPLICATE_NAME: 'DUPLICATE_NAME',
  ELTORITO_BARE_ENTRY: 'ELTORITO_BARE_ENTRY',
  ELTORITO_BOOT_INDICATOR: 'ELTORITO_BOOT_INDICATOR',
  ELTORITO_BOOT_INFO_CHECKSUM: 'ELTORITO_BOOT_INFO_CHECKSUM',
  ELTORITO_BOOT_RECORD_VERSION: 'ELTORITO_BOOT_RECORD_VERSION',
  ELTORITO_CATALOG_OUTSIDE: 'ELTORITO_CATALOG_OUTSIDE',
  ELTORITO_CATALOG_UNTERMINATED: 'ELTORITO_CATALOG_UNTERMINATED',
  ELTORITO_CHECKSUM: 'ELTORITO_CHECKSUM',
  ELTORITO_DEFAULT_ENTRY: 'ELTORITO_DEFAULT_ENTRY',
  ELTORITO_EXTENSION_MISSING: 'ELTORITO_EXTENSION_MISSING',
  ELTORITO_HDD_PARTITIONS: 'ELTORITO_HDD_PARTITIONS',
  ELTORITO_IMAGE_OUTSIDE: 'ELTORITO_IMAGE_OUTSIDE',
  ELTORITO_IMAGE_PAST_END: 'ELTORITO_IMAGE_PAST_END',
  ELTORITO_KEY_BYTES: 'ELTORITO_KEY_BYTES',
  ELTORITO_MEDIA_TYPE: 'ELTORITO_MEDIA_TYPE',
  ELTORITO_NO_FINAL_SECTION: 'ELTORITO_NO_FINAL_SECTION',
  ELTORITO_PLATFORM: 'ELTORITO_PLATFORM',
  ELTORITO_SECTION_SHORT: 'ELTORITO_SECTION_SHORT',
  ELTORITO_SYSTEM_ID: 'ELTORITO_SYSTEM_ID',
  ELTORITO_UNKNOWN_ENTRY: 'ELTORITO_UNKNOWN_ENTRY',
  ELTORITO_ZERO_SECTOR_COUNT: 'ELTORITO_ZERO_SECTOR_COUNT',
  EXTENT_BEYOND_END: 'EXTENT_BEYOND_END',
  EXTENT_OVERLAP: 'EXTENT_OVERLAP',
  EXTENT_PAST_END: 'EXTENT_PAST_END',
  EXTRA_PVD: 'EXTRA_PVD',
  FINDINGS_TRUNCATED: 'FINDINGS_TRUNCATED',
  GPT_ARRAY_CRC: 'GPT_ARRAY_CRC',
  GPT_ARRAY_SIZE: 'GPT_ARRAY_SIZE',
  GPT_ARRAY_TRUNCATED: 'GPT_ARRAY_TRUNCATED',
  GPT_BACKUP_MISMATCH: 'GPT_BACKUP_MISMATCH',
  GPT_BACKUP_MISSING: 'GPT_BACKUP_MISSING',
  GPT_BACKUP_OUTSIDE: 'GPT_BACKUP_OUTSIDE',
  GPT_ENTRY_OUTSIDE_USABLE: 'GPT_ENTRY_OUTSIDE_USABLE',
  GPT_ENTRY_PAST_END: 'GPT_ENTRY_PAST_END',
  GPT_ENTRY_RANGE: 'GPT_ENTRY_RANGE',
  GPT_ENTRY_SIZE: 'GPT_ENTRY_SIZE',
  GPT_HEADER_CRC: 'GPT_HEADER_CRC',
  GPT_HEADER_SIZE: 'GPT_HEADER_SIZE',
  GPT_MISSING: 'GPT_MISSING',
  GPT_PRIMARY_MISSING: 'GPT_PRIMARY_MISSING',
  GPT_REVISION: 'GPT_REVISION',
  IMAGE_TRUNCATED: 'IMAGE_TRUNCATED',
  ISO9660_PATH_TOO_LONG: 'ISO9660_PATH_TOO_LONG',
  JOLIET_PATH_TOO_LONG: 'JOLIET_PATH_TOO_LONG',
  MBR_EBR_LOOP: 'MBR_EBR_LOOP',
  MBR_EBR_MISSING: 'MBR_EBR_MISSING',
  MBR_PAST_END: 'MBR_PAST_END',
  MBR_STATUS: 'MBR_STATUS',
  MULTI_EXTENT_BROKEN: 'MULTI_EXTENT_BROKEN',
  MULTI_EXTENT_PARTIAL: 'MULTI_EXTENT_PARTIAL',
  MULTI_EXTENT_UNTERMINATED: 'MULTI_EXTENT_UNTERMINATED',
  NO_PVD: 'NO_PVD',
  NO_TERMINATOR: 'NO_TERMINATOR',
  PARTITIONS_UNREADABLE: 'PARTITIONS_UNREADABLE',
  PATH_TABLE_DIRECTORY: 'PATH_TABLE_DIRECTORY',
  PATH_TABLE_MISMATCH: 'PATH_TABLE_MISMATCH',
  PATH_TABLE_PARENT: 'PATH_TABLE_PARENT',
  PATH_TABLE_RECORD: 'PATH_TABLE_RECORD',
  RR_BAD_CL: 'RR_BAD_CL',
  RR_BAD_ENTRY: 'RR_BAD_ENTRY',
  RR_BAD_ER: 'RR_BAD_ER',
  RR_BAD_GMT_OFFSET: 'RR_BAD_GMT_OFFSET',
  RR_BAD_NAME: 'RR_BAD_NAME',
  RR_BAD_NM: 'RR_BAD_NM',
  RR_BAD_PL: 'RR_BAD_PL',
  RR_BAD_PN: 'RR_BAD_PN',
  RR_BAD_PX: 'RR_BAD_PX',
  RR_BAD_RE: 'RR_BAD_RE',
  RR_BAD_SL: 'RR_BAD_SL',
  RR_BAD_TF: 'RR_BAD_TF',
  RR_BAD_ZF: 'RR_BAD_ZF',
  RR_CL_TARGET: 'RR_CL_TARGET',
  RR_ENDIAN_MISMATCH: 'RR_ENDIAN_MISMATCH',
  RR_NLINK: 'RR_NLINK',
  RR_NM_AFTER_END: 'RR_NM_AFTER_END',
  RR_NM_UNTERMINATED: 'RR_NM_UNTERMINATED',
  RR_SL_AFTER_END: 'RR_SL_AFTER_END',
  RR_SL_COMPONENT: 'RR_SL_COMPONENT',
  RR_SL_ROOT_INSIDE: 'RR_SL_ROOT_INSIDE',
  RR_SPARSE_UNSUPPORTED: 'RR_SPARSE_UNSUPPORTED',
  RR_TYPE_MISMATCH: 'RR_TYPE_MISMATCH',
  SESSIONS_UNREADABLE: 'SESSIONS_UNREADABLE',
  SESSION_CHAIN: 'SESSION_CHAIN',
  SUSP_BAD_CE: 'SUSP_BAD_CE',
  SUSP_BAD_LENGTH: 'SUSP_BAD_LENGTH',
  SUSP_BAD_SP: 'SUSP_BAD_SP',
  SUSP_CE_CHAIN: 'SUSP_CE_CHAIN',
  SUSP_CE_LOOP: 'SUSP_CE_LOOP',
  SUSP_CE_RANGE: 'SUSP_CE_RANGE',
  SUSP_CE_TRUNCATED: 'SUSP_CE_TRUNCATED',
  SUSP_ENDIAN_MISMATCH: 'SUSP_ENDIAN_MISMATCH',
  SUSP_MULTIPLE_CE: 'SUSP_MULTIPLE_CE',
  TOO_MANY_RECORDS: 'TOO_MANY_RECORDS',
  TREE_TOO_DEEP: 'TREE_TOO_DEEP',
  VD_SET_UNTERMINATED: 'VD_SET_UNTERMINATED',
  VD_TRUNCATED: 'VD_TRUNCATED',
  // UDF (ECMA-167 / OSTA UDF); UDF trees also use BAD_NAME, DIRECTORY_LOOP, DIRECTORY_TOO_LARGE,
  // DUPLICATE_NAME, EXTENT_BEYOND_END, TOO_MANY_RECORDS and TREE_TOO_DEEP
  /** an anchor point (sector 256, N−256, N−1) holds no valid Anchor Volume Descriptor Pointer */
  UDF_ANCHOR_MISSING: 'UDF_ANCHOR_MISSING',
  /** the anchors point at different descriptor sequences */
  UDF_ANCHOR_MISMATCH: 'UDF_ANCHOR_MISMATCH',
  /** no BEA01 / NSR02 / NSR03 / TEA01 Volume Recognition Sequence, or an incomplete one */
  UDF_VRS: 'UDF_VRS',
  /** a descriptor tag's checksum, version, CRC or identifier is wrong */
  UDF_TAG: 'UDF_TAG',
  /** a descriptor tag's location differs from where the descriptor is */
  UDF_TAG_LOCATION: 'UDF_TAG_LOCATION',
  /** the main Volume Descriptor Sequence is damaged (the reserve one is used) or a descriptor is missing */
  UDF_VDS: 'UDF_VDS',
  /** the Logical Volume Descriptor's block size, domain or partition maps are unusable or odd */
  UDF_LOGICAL_VOLUME: 'UDF_LOGICAL_VOLUME',
  /** a partition is missing, runs past the image, or its map cannot be used */
  UDF_PARTITION: 'UDF_PARTITION',
  /** the metadata file of a metadata partition is damaged (its mirror is used) or unusable */
  UDF_METADATA_FILE: 'UDF_METADATA_FILE',
  /** the Virtual Allocation Table is missing or damaged */
  UDF_VAT: 'UDF_VAT',
  /** no usable sparing table */
  UDF_SPARING_TABLE: 'UDF_SPARING_TABLE',
  /** the Logical Volume Integrity Descriptor is missing or damaged, or the volume is open */
  UDF_INTEGRITY: 'UDF_INTEGRITY',
  /** the File Set Descriptor is missing or damaged */
  UDF_FILE_SET: 'UDF_FILE_SET',
  /** a File Entry cannot be read (wrong tag, lengths past its block, unknown file type) */
  UDF_FILE_ENTRY: 'UDF_FILE_ENTRY',
  /** an extent lies (partly) outside its partition, or names a partition that does not exist */
  UDF_EXTENT_OUTSIDE: 'UDF_EXTENT_OUTSIDE',
  /** impossible lengths: allocation descriptors vs. information length, a directory of an odd length */
  UDF_LENGTH: 'UDF_LENGTH',
  /** an Allocation Extent Descriptor chain is broken, loops, or is too long */
  UDF_ALLOCATION_EXTENT: 'UDF_ALLOCATION_EXTENT',
  /** a File Identifier Descriptor is damaged (the rest of the directory is searched for the next one) */
  UDF_FID: 'UDF_FID',
  /** a name or identifier uses an unknown CS0 compression ID */
  UDF_CS0: 'UDF_CS0',
  /** a symbolic link's path components are damaged or odd */
  UDF_SYMLINK: 'UDF_SYMLINK',
  /** extended attributes were skipped (only device numbers are read from them) */
  UDF_EXTENDED_ATTRIBUTES: 'UDF_EXTENDED_ATTRIBUTES',
  /** named streams (and the system stream directory) were skipped */
  UDF_NAMED_STREAMS: 'UDF_NAMED_STREAMS',
  /** the image has a UDF volume that cannot be read (its tree is not offered; another namespace is used) */
  UDF_UNREADABLE: 'UDF_UNREADABLE',
  // FAT
  /** the backup boot sector (BPB_BkBootSec) differs from sector 0 */
  FAT_BACKUP_BOOT_MISMATCH: 'FAT_BACKUP_BOOT_MISMATCH',
  /** a cluster chain ends early, points outside the volume or at a free/bad cluster */
  FAT_CHAIN_BROKEN: 'FAT_CHAIN_BROKEN',
  /** a cluster chain comes back to a cluster it already used */
  FAT_CHAIN_LOOP: 'FAT_CHAIN_LOOP',
  /** a chain is longer than the file's size needs */
  FAT_CHAIN_LONG: 'FAT_CHAIN_LONG',
  /** a first cluster outside the volume's clusters */
  FAT_CLUSTER_RANGE: 'FAT_CLUSTER_RANGE',
  /** a directory entry that is not usable (bad 8.3 characters, a directory with a size, a stray volume label) */
  FAT_BAD_ENTRY: 'FAT_BAD_ENTRY',
  /** a subdirectory points back to a directory already being read */
  FAT_DIRECTORY_LOOP: 'FAT_DIRECTORY_LOOP',
  /** a directory runs past the 65,536 entries FAT allows */
  FAT_DIRECTORY_TOO_LARGE: 'FAT_DIRECTORY_TOO_LARGE',
  /** two entries of one directory with the same name (ignoring case) */
  FAT_DUPLICATE_NAME: 'FAT_DUPLICATE_NAME',
  /** FAT32 FSInfo with bad signatures or counts that are out of range */
  FAT_FSINFO: 'FAT_FSINFO',
  /** long-name entries without a matching 8.3 entry (checksum, sequence or order wrong): the 8.3 name is used */
  FAT_LFN_ORPHAN: 'FAT_LFN_ORPHAN',
  /** a date or time field out of range */
  FAT_BAD_TIME: 'FAT_BAD_TIME',
  /** writer: a file time outside 1980–2107 was clamped to FAT's range */
  FAT_TIME_CLAMPED: 'FAT_TIME_CLAMPED',
  /** the volume was not unmounted cleanly (FAT[1] dirty bit clear) or has I/O errors recorded */
  FAT_DIRTY: 'FAT_DIRTY',
  /** the boot sector's sizes put the volume past the end of the source */
  FAT_TRUNCATED: 'FAT_TRUNCATED',
  // WIM
  WIM_BLOB_DUPLICATE: 'WIM_BLOB_DUPLICATE',
  WIM_BLOB_EMPTY: 'WIM_BLOB_EMPTY',
  WIM_BLOB_WRONG_PART: 'WIM_BLOB_WRONG_PART',
  WIM_BLOB_ZERO_HASH: 'WIM_BLOB_ZERO_HASH',
  WIM_BOOT_INDEX: 'WIM_BOOT_INDEX',
  WIM_METADATA_EXTRA: 'WIM_METADATA_EXTRA',
  WIM_METADATA_UNREFERENCED: 'WIM_METADATA_UNREFERENCED',
  WIM_WRITE_IN_PROGRESS: 'WIM_WRITE_IN_PROGRESS',
  WIM_XML_IMAGE_COUNT: 'WIM_XML_IMAGE_COUNT',
  WIM_XML_NO_BOM: 'WIM_XML_NO_BOM',
} as const;
export type FindingCode = (typeof FindingCode)[keyof typeof FindingCode];
