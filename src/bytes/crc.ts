/** CRC-32 (IEEE 802.3, reflected, as used by GPT and zlib) and CRC-ITU/CCITT (UDF descriptor CRC). */

let crc32Table: Uint32Array | undefined;
function table32(): Uint32Array {
  if (crc32Table) return crc32Table;
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return (crc32Table = t);
}

/** CRC-32 of `data`; pass a previous result as `crc` to continue a running CRC. */
export function crc32(data: Uint8Array, crc = 0): number {
  const t = table32();
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = (t[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

let crc16Table: Uint16Array | undefined;
/** CRC-ITU-T (CCITT, polynomial 0x1021, initial 0, not reflected) as ECMA-167 7.2.6 requires. */
export function crcItu(data: Uint8Array, crc = 0): number {
  if (!crc16Table) {
    const t = new Uint16Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n << 8;
      for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
      t[n] = c;
    }
    crc16Table = t;
  }
  let c = crc & 0xffff;
  for (let i = 0; i < data.length; i++) c = ((crc16Table[((c >>> 8) ^ (data[i] as number)) & 0xff] as number) ^ (c << 8)) & 0xffff;
  return c;
}
