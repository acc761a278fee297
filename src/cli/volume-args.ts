/** Volume metadata options shared by `create` and `remaster` (ECMA-119 8.4 identifiers). */
export const VOLUME_OPTIONS = {
  'volume-id': { type: 'string', short: 'V' },
  volset: { type: 'string' },
  publisher: { type: 'string' },
  preparer: { type: 'string' },
  application: { type: 'string' },
  'system-id': { type: 'string' },
} as const;

export interface VolumeIds {
  volumeId?: string;
  volumeSetId?: string;
  publisherId?: string;
  dataPreparerId?: string;
  applicationId?: string;
  systemId?: string;
}

/** The identifiers given on the command line (absent ones stay absent, so defaults apply). */
export function volumeIdsFromArgs(v: Partial<Record<keyof typeof VOLUME_OPTIONS, string>>): VolumeIds {
  const ids: VolumeIds = {};
  if (v['volume-id'] !== undefined) ids.volumeId = v['volume-id'];
  if (v.volset !== undefined) ids.volumeSetId = v.volset;
  if (v.publisher !== undefined) ids.publisherId = v.publisher;
  if (v.preparer !== undefined) ids.dataPreparerId = v.preparer;
  if (v.application !== undefined) ids.applicationId = v.application;
  if (v['system-id'] !== undefined) ids.systemId = v['system-id'];
  return ids;
}
