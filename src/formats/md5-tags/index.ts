/**
 * libisofs / xorriso MD5 checksum tags (libisofs doc/checksums.txt, "The Checksum Tags"): one 2048-byte block
 * holding a single text line
 *   `Tag_id pos=# range_start=# range_size=# [next=#] [session_start=#] md5=<32 hex> self=<32 hex>\n`
 * then zero bytes. `md5` covers blocks [range_start, range_start + range_size); `self` is the MD5 of the tag
 * text up to and including the last hex digit of `md5=`.
 */
export * from './aaip.js';

export type Md5TagType = 'superblock' | 'tree' | 'session' | 'relocated-superblock';

export const MD5_TAG_IDS: Readonly<Record<string, Md5TagType>> = {
  libisofs_sb_checksum_tag_v1: 'superblock',
  libisofs_tree_checksum_tag_v1: 'tree',
  libisofs_checksum_tag_v1: 'session',
  libisofs_rlsb32_checksum_tag_v1: 'relocated-superblock',
};

export interface Md5Tag {
  readonly type: Md5TagType;
  readonly id: string;
  /** the block address the tag claims to be stored at */
  readonly pos: number;
  readonly rangeStart: number;
  readonly rangeSize: number;
  readonly next?: number;
  readonly sessionStart?: number;
  /** lower-case hex */
  readonly md5: string;
  readonly self: string;
  /** the bytes `self` is computed over (tag text up to the last digit of md5=) */
  readonly selfCovered: Uint8Array;
}

/** Quick test: does this block start like a checksum tag? */
export function looksLikeMd5Tag(block: Uint8Array): boolean {
  return block.length >= 40 && block[0] === 0x6c /* l */ && String.fromCharCode(...block.subarray(0, 9)) === 'libisofs_';
}

/** Parse a tag block, or undefined when the block is not a well-formed tag. */
export function parseMd5Tag(block: Uint8Array): Md5Tag | undefined {
  if (!looksLikeMd5Tag(block)) return undefined;
  const nl = block.indexOf(0x0a);
  if (nl < 0 || nl > 1024) return undefined;
  let text = '';
  for (let i = 0; i < nl; i++) text += String.fromCharCode(block[i] as number);
  const [id, ...fields] = text.split(' ');
  const type = id ? MD5_TAG_IDS[id] : undefined;
  if (!id || !type) return undefined;
  const kv = new Map<string, string>();
  for (const f of fields) {
    const eq = f.indexOf('=');
    if (eq > 0) kv.set(f.slice(0, eq), f.slice(eq + 1));
  }
  const num = (k: string): number | undefined => {
    const v = kv.get(k);
    return v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
  };
  const pos = num('pos'), rangeStart = num('range_start'), rangeSize = num('range_size');
  const md5 = kv.get('md5'), self = kv.get('self');
  if (pos === undefined || rangeStart === undefined || rangeSize === undefined) return undefined;
  if (!md5 || !self || !/^[0-9a-f]{32}$/.test(md5) || !/^[0-9a-f]{32}$/.test(self)) return undefined;
  const selfEnd = text.indexOf(' self=');
  const next = num('next'), sessionStart = num('session_start');
  return {
    type,
    id,
    pos,
    rangeStart,
    rangeSize,
    ...(next !== undefined ? { next } : {}),
    ...(sessionStart !== undefined ? { sessionStart } : {}),
    md5,
    self,
    selfCovered: block.slice(0, selfEnd),
  };
}
