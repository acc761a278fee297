/** FAT12/16/32 volumes → the format-neutral tree (verifying sticks, `isokit ls stick.img`). */
export { openFatVolume, fatEntryOf, type FatVolume, type FatVolumeInfo, type FatNodeEntry, type OpenFatOptions } from './volume.js';
export { parseFatDirectory, type FatDirectoryItem, type FatDirectoryContents } from './directory.js';
