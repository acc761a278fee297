/**
 * The library's own views of what it reads (design guide §7: serializable views live beside the operation):
 * the `info --json` object and text report, listing entries as JSON and as `ls -l` / short text, mode strings,
 * dates and sizes. The CLI prints them; the web UI sends the same objects.
 */
export { infoJson, formatInfo, jsonReplacer, imageNamespaces, namespacesLine, bootLines, partitionLines, findingLine } from './info.js';
export { previewText, previewContent, PREVIEW_BYTE_LENGTH, type FilePreview } from './preview.js';
export { listEntries, entryJson, displayName, formatLong, formatShort, type ListedEntry } from './ls.js';
export { formatDate, isoDate } from './date.js';
export { modeString } from './mode.js';
export { formatBytes } from './units.js';
