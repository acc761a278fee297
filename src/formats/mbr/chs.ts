/**
 * Cylinder/head/sector addresses in MBR partition entries (3 bytes: head; sector in bits 0–5 with cylinder bits 8–9
 * in bits 6–7; cylinder bits 0–7) and the cylinder alignment xorriso applies to hybrid images
 * (`-partition_cyl_align`, libisofs doc/boot_sectors.txt: 64 heads × 32 sectors = 1 MiB cylinders).
 */

export interface Chs {
  readonly cylinder: number;
  readonly head: number;
  readonly sector: number;
}
export interface DiskGeometry {
  readonly heads: number;
  readonly sectorsPerTrack: number;
}
/** The geometry isohybrid and xorriso use for hybrid images. */
export const HYBRID_GEOMETRY: DiskGeometry = { heads: 64, sectorsPerTrack: 32 };

export function parseChs(b: Uint8Array, o: number): Chs {
  const s = b[o + 1] ?? 0;
  return { head: b[o] ?? 0, sector: s % 64, cylinder: Math.floor(s / 64) * 256 + (b[o + 2] ?? 0) };
}

export function writeChs(b: Uint8Array, o: number, chs: Chs): void {
  const cylinder = Math.min(1023, Math.max(0, chs.cylinder));
  b[o] = Math.min(255, Math.max(0, chs.head));
  b[o + 1] = Math.min(63, Math.max(0, chs.sector)) + Math.floor(cylinder / 256) * 64;
  b[o + 2] = cylinder % 256;
}

/** CHS of a 512-byte sector address; addresses beyond cylinder 1023 give (1023, heads-1, sectorsPerTrack). */
export function lbaToChs(lba: number, g: DiskGeometry = HYBRID_GEOMETRY): Chs {
  const perCyl = g.heads * g.sectorsPerTrack;
  const cylinder = Math.floor(lba / perCyl);
  if (cylinder > 1023) return { cylinder: 1023, head: g.heads - 1, sector: g.sectorsPerTrack };
  return { cylinder, head: Math.floor(lba / g.sectorsPerTrack) % g.heads, sector: (lba % g.sectorsPerTrack) + 1 };
}

/**
 * The geometry xorriso picks for a hybrid image of `sectorCount` 512-byte sectors: 64 heads × 32 sectors while the
 * image fits in 1024 cylinders, else as many heads (≤ 255) as needed to stay within 1024 cylinders (observed with
 * xorriso 1.5: a 1.1 GB image gets 69 heads).
 */
export function hybridGeometry(sectorCount: number): DiskGeometry {
  const heads = Math.ceil(sectorCount / (1024 * 32));
  return heads <= 64 ? HYBRID_GEOMETRY : { heads: Math.min(255, heads), sectorsPerTrack: 32 };
}

/** Sectors per cylinder for a geometry (2048 for 64 × 32). */
export const sectorsPerCylinder = (g: DiskGeometry = HYBRID_GEOMETRY): number => g.heads * g.sectorsPerTrack;

/**
 * Round a size in 512-byte sectors up to whole cylinders, as `-partition_cyl_align on` does for the image size
 * of an isohybrid image (the padding goes after the ISO).
 */
export function alignToCylinder(sectorCount: number, g: DiskGeometry = HYBRID_GEOMETRY): number {
  const c = sectorsPerCylinder(g);
  return Math.ceil(sectorCount / c) * c;
}

/** Bytes to append so that `byteLength` becomes a whole number of cylinders (512-byte sectors). */
export function cylinderPaddingByteLength(byteLength: number, g: DiskGeometry = HYBRID_GEOMETRY): number {
  const cylBytes = sectorsPerCylinder(g) * 512;
  const rem = byteLength % cylBytes;
  return rem === 0 ? 0 : cylBytes - rem;
}
