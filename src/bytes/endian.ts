/** Integer codecs. ECMA-119 7.2/7.3: both-endian fields store the LE half first, then the BE half. */

export const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

export const readU8 = (b: Uint8Array, o: number): number => b[o] ?? 0;
export const readU16LE = (b: Uint8Array, o: number): number => (b[o] ?? 0) + (b[o + 1] ?? 0) * 0x100;
export const readU16BE = (b: Uint8Array, o: number): number => (b[o] ?? 0) * 0x100 + (b[o + 1] ?? 0);
export const readU32LE = (b: Uint8Array, o: number): number =>
  (b[o] ?? 0) + (b[o + 1] ?? 0) * 0x100 + (b[o + 2] ?? 0) * 0x10000 + (b[o + 3] ?? 0) * 0x1000000;
export const readU32BE = (b: Uint8Array, o: number): number =>
  (b[o] ?? 0) * 0x1000000 + (b[o + 1] ?? 0) * 0x10000 + (b[o + 2] ?? 0) * 0x100 + (b[o + 3] ?? 0);
export const readU64LE = (b: Uint8Array, o: number): number => readU32LE(b, o) + readU32LE(b, o + 4) * 0x100000000;

export function writeU16LE(b: Uint8Array, o: number, v: number): void {
  b[o] = v % 0x100;
  b[o + 1] = Math.floor(v / 0x100) % 0x100;
}
export function writeU16BE(b: Uint8Array, o: number, v: number): void {
  b[o] = Math.floor(v / 0x100) % 0x100;
  b[o + 1] = v % 0x100;
}
export function writeU32LE(b: Uint8Array, o: number, v: number): void {
  if (v < 0 || v > 0xffffffff || !Number.isInteger(v)) throw new RangeError(`u32 out of range: ${v}`);
  b[o] = v % 0x100;
  b[o + 1] = Math.floor(v / 0x100) % 0x100;
  b[o + 2] = Math.floor(v / 0x10000) % 0x100;
  b[o + 3] = Math.floor(v / 0x1000000) % 0x100;
}
export function writeU32BE(b: Uint8Array, o: number, v: number): void {
  if (v < 0 || v > 0xffffffff || !Number.isInteger(v)) throw new RangeError(`u32 out of range: ${v}`);
  b[o] = Math.floor(v / 0x1000000) % 0x100;
  b[o + 1] = Math.floor(v / 0x10000) % 0x100;
  b[o + 2] = Math.floor(v / 0x100) % 0x100;
  b[o + 3] = v % 0x100;
}
export function writeU64LE(b: Uint8Array, o: number, v: number): void {
  writeU32LE(b, o, v % 0x100000000);
  writeU32LE(b, o + 4, Math.floor(v / 0x100000000));
}

/** A both-endian value read from disk; `mismatch` is true when the halves disagree (the LE half is used). */
export interface BothEndian {
  value: number;
  mismatch: boolean;
}
/** ECMA-119 7.2.3: 16-bit both-byte orders (4 bytes). */
export function readU16Both(b: Uint8Array, o: number): BothEndian {
  const le = readU16LE(b, o);
  return { value: le, mismatch: le !== readU16BE(b, o + 2) };
}
/** ECMA-119 7.3.3: 32-bit both-byte orders (8 bytes). */
export function readU32Both(b: Uint8Array, o: number): BothEndian {
  const le = readU32LE(b, o);
  return { value: le, mismatch: le !== readU32BE(b, o + 4) };
}
export function writeU16Both(b: Uint8Array, o: number, v: number): void {
  writeU16LE(b, o, v);
  writeU16BE(b, o + 2, v);
}
export function writeU32Both(b: Uint8Array, o: number, v: number): void {
  writeU32LE(b, o, v);
  writeU32BE(b, o + 4, v);
}

/** True when every byte in [start, end) is zero. */
export function isZero(b: Uint8Array, start = 0, end = b.length): boolean {
  for (let i = start; i < end; i++) if (b[i] !== 0) return false;
  return true;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const toHex = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i] as number).toString(16).padStart(2, '0');
  return s;
};
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 || /[^0-9a-fA-F]/.test(hex)) throw new RangeError(`not a hex string: ${hex.slice(0, 20)}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
