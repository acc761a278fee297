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

/** crc16Tables[k][x]: the CRC state after feeding byte x into a zero state, then k zero bytes (slicing by 4). */
let crc16Tables: Uint16Array[] | undefined;

function makeCrc16Tables(): Uint16Array[] {
  const t0 = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t0[n] = c;
  }
  const tables = [t0];
  // the CRC is linear: a zero byte after state s gives t0[s >> 8] ^ (s << 8)
  for (let k = 1; k < 4; k++) {
    const prev = tables[k - 1] as Uint16Array;
    const t = new Uint16Array(256);
    for (let n = 0; n < 256; n++) {
      const v = prev[n] as number;
      t[n] = (t0[v >>> 8] as number) ^ ((v << 8) & 0xffff);
    }
    tables.push(t);
  }
  return tables;
}

/** CRC-ITU-T (CCITT, polynomial 0x1021, initial 0, not reflected) as ECMA-167 7.2.6 requires. */
export function crcItu(data: Uint8Array, crc = 0): number {
  return crcItuRange(data, 0, data.length, crc);
}

/** `crcItu(data.subarray(start, end))` without the subarray, four bytes a step (UDF readers check a tag per descriptor). */
export function crcItuRange(data: Uint8Array, start: number, end: number, crc = 0): number {
  const tables = (crc16Tables ??= makeCrc16Tables());
  const t0 = tables[0] as Uint16Array, t1 = tables[1] as Uint16Array, t2 = tables[2] as Uint16Array, t3 = tables[3] as Uint16Array;
  let c = crc & 0xffff;
  let i = start;
  for (; i + 3 < end; i += 4) {
    c = (t3[(c >>> 8) ^ (data[i] as number)] as number) ^ (t2[(c & 0xff) ^ (data[i + 1] as number)] as number)
      ^ (t1[data[i + 2] as number] as number) ^ (t0[data[i + 3] as number] as number);
  }
  for (; i < end; i++) c = ((t0[((c >>> 8) ^ (data[i] as number)) & 0xff] as number) ^ (c << 8)) & 0xffff;
  return c;
}
