/**
 * Verify xorriso/libisofs MD5 checksum tags (libisofs doc/checksums.txt): the superblock tag after the
 * volume descriptors, the tree tag after the directories, and the session tag after the data, all covering
 * blocks from `range_start` up to the tag. One MD5 pass, cloned at each tag. When a tag fails, the per-file
 * MD5s of the checksum array (AAIP `isofs.ca` / `isofs.cx`) narrow the damage down to files.
 */
import { toHex } from '../bytes/index.js';
import { ProgressMeter, throwIfAborted, type ByteSource, type ProgressCallback } from '../io/index.js';
import { looksLikeMd5Tag, parseMd5Tag, type Md5Tag, type Md5TagType } from '../formats/md5-tags/index.js';
import { createJsHasher, type Hasher, type HasherFactory } from './hash/index.js';
import { checkFileMd5s, type FileMd5Report } from './md5-tags-files.js';
import { sourceScanner, type RangeScanner } from './hash-source.js';

const BLOCK = 2048;

export interface Md5TagCheck {
  readonly type: Md5TagType;
  readonly pos: number;
  readonly rangeStart: number;
  readonly rangeSize: number;
  /** where the tag block was found */
  readonly byteOffset: number;
  readonly status: 'ok' | 'mismatch' | 'bad-self' | 'misplaced';
  readonly expected: string;
  readonly actual?: string;
  /** bytes this tag adds to what the previous tag in the chain covered (where damage lies when only it fails) */
  readonly newRange: { startByteOffset: number; endByteOffset: number };
}

export interface Md5TagsReport {
  readonly status: 'pass' | 'fail' | 'absent';
  readonly tags: Md5TagCheck[];
  readonly files?: FileMd5Report;
  /** narrowest byte range known to hold the damage */
  readonly damagedRange?: { startByteOffset: number; endByteOffset: number; what: string };
  readonly message: string;
}

export interface Md5TagsOptions {
  factory?: HasherFactory;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** check each file's MD5 from the checksum array: 'on-failure' (default) to locate damage, 'always', 'never' */
  files?: 'on-failure' | 'always' | 'never';
  /** how to read the tagged ranges (default: `source.read` in 4 MiB pieces) */
  scan?: RangeScanner;
}

/** Find the superblock tag (blocks 16…80) and follow next= to the tree and session tags. */
async function findTagChain(source: ByteSource, signal?: AbortSignal): Promise<{ chain: { tag: Md5Tag; byteOffset: number }[]; missingLba?: number }> {
  const head = await source.read(0, Math.min(source.byteLength, 96 * BLOCK), signal ? { signal } : {});
  const chain: { tag: Md5Tag; byteOffset: number }[] = [];
  let sb: { tag: Md5Tag; byteOffset: number } | undefined;
  for (let lba = 16; (lba + 1) * BLOCK <= head.length; lba++) {
    const block = head.subarray(lba * BLOCK, (lba + 1) * BLOCK);
    if (!looksLikeMd5Tag(block)) continue;
    const tag = parseMd5Tag(block);
    if (!tag) continue;
    if (tag.type === 'relocated-superblock') chain.push({ tag, byteOffset: lba * BLOCK });
    else if (tag.type === 'superblock' && !sb) sb = { tag, byteOffset: lba * BLOCK };
  }
  if (!sb) return { chain };
  chain.push(sb);
  let next = sb.tag.next;
  for (let hops = 0; next !== undefined && hops < 2; hops++) {
    const at = next * BLOCK;
    const tag = at + BLOCK <= source.byteLength ? parseMd5Tag(await source.read(at, BLOCK, signal ? { signal } : {})) : undefined;
    if (!tag) return { chain, missingLba: next };
    chain.push({ tag, byteOffset: at });
    next = tag.next;
  }
  return { chain };
}

/** Hash [startByte, endByte) once, returning the digest at each requested cut (ascending byte offsets). */
async function hashWithCuts(
  source: ByteSource,
  startByte: number,
  cuts: number[],
  hasher: Hasher,
  opts: Md5TagsOptions,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const end = Math.max(startByte, ...cuts);
  const meter = opts.onProgress ? new ProgressMeter('MD5 tags', end - startByte) : undefined;
  const sorted = [...new Set(cuts)].filter((c) => c >= startByte).sort((a, b) => a - b);
  const scan = opts.scan ?? sourceScanner(source);
  let next = 0;
  let lastReport = 0;
  if (sorted[0] === startByte) out.set(sorted[next++] as number, toHex(hasher.clone().digest()));
  await scan(
    startByte,
    end - startByte,
    (b, at) => {
      let from = 0;
      for (let cut = sorted[next]; cut !== undefined && cut <= at + b.length; cut = sorted[next]) {
        hasher.update(b.subarray(from, cut - at));
        from = cut - at;
        out.set(cut, toHex(hasher.clone().digest()));
        next++;
      }
      if (from < b.length) hasher.update(from ? b.subarray(from) : b);
      const done = at + b.length - startByte;
      if (meter && opts.onProgress && (done - lastReport >= 16 << 20 || done === end - startByte)) {
        lastReport = done;
        opts.onProgress(meter.update(done));
      }
    },
    opts.signal ? { signal: opts.signal } : {},
  );
  throwIfAborted(opts.signal);
  return out;
}

function selfOk(tag: Md5Tag, factory: HasherFactory): boolean {
  const h = factory('md5');
  h.update(tag.selfCovered);
  return toHex(h.digest()) === tag.self;
}

/** Verify the tags of the first session. `absent` when the image carries none. */
export async function verifyMd5Tags(source: ByteSource, opts: Md5TagsOptions = {}): Promise<Md5TagsReport> {
  const factory = opts.factory ?? createJsHasher;
  const { chain, missingLba } = await findTagChain(source, opts.signal);
  if (!chain.length) return { status: 'absent', tags: [], message: 'no xorriso MD5 checksum tags' };
  const tags: Md5TagCheck[] = [];
  const groups = new Map<number, { tag: Md5Tag; byteOffset: number }[]>();
  for (const c of chain) groups.set(c.tag.rangeStart, [...(groups.get(c.tag.rangeStart) ?? []), c]);
  for (const [rangeStart, members] of groups) {
    const cuts = members.map((m) => (m.tag.rangeStart + m.tag.rangeSize) * BLOCK);
    const digests = await hashWithCuts(source, rangeStart * BLOCK, cuts, factory('md5'), opts);
    let prevEnd = rangeStart * BLOCK;
    for (const m of members) {
      const endByte = (m.tag.rangeStart + m.tag.rangeSize) * BLOCK;
      const actual = digests.get(endByte);
      const status: Md5TagCheck['status'] = !selfOk(m.tag, factory)
        ? 'bad-self'
        : m.tag.pos * BLOCK !== m.byteOffset
          ? 'misplaced'
          : actual === m.tag.md5
            ? 'ok'
            : 'mismatch';
      tags.push({
        type: m.tag.type,
        pos: m.tag.pos,
        rangeStart: m.tag.rangeStart,
        rangeSize: m.tag.rangeSize,
        byteOffset: m.byteOffset,
        status,
        expected: m.tag.md5,
        ...(actual ? { actual } : {}),
        newRange: { startByteOffset: prevEnd, endByteOffset: endByte },
      });
      prevEnd = Math.max(prevEnd, endByte);
    }
  }
  if (missingLba !== undefined) {
    const last = tags[tags.length - 1];
    return {
      status: 'fail',
      tags,
      damagedRange: { startByteOffset: missingLba * BLOCK, endByteOffset: (missingLba + 1) * BLOCK, what: 'the expected checksum tag block' },
      message: `xorriso MD5 tags FAILED: the ${last?.type ?? ''} tag points to a tag at block ${missingLba}, but there is none (overwritten or truncated)`,
    };
  }
  const firstBad = tags.find((t) => t.status !== 'ok');
  const wantFiles = opts.files ?? 'on-failure';
  let files: FileMd5Report | undefined;
  if (wantFiles === 'always' || (wantFiles === 'on-failure' && firstBad)) {
    const sessionStart = tags.find((t) => t.type !== 'relocated-superblock')?.rangeStart ?? 0;
    files = await checkFileMd5s(source, sessionStart, { factory, ...(opts.signal ? { signal: opts.signal } : {}) });
  }
  const badFile = files?.mismatches[0];
  const names = tags.map((t) => `${t.type} tag at block ${t.pos}: ${t.status}`).join('; ');
  if (!firstBad && !badFile) {
    return { status: 'pass', tags, ...(files ? { files } : {}), message: `xorriso MD5 tags verified (${names})` };
  }
  const damagedRange = badFile
    ? { startByteOffset: badFile.byteOffset, endByteOffset: badFile.byteOffset + badFile.byteLength, what: `file ${badFile.path}` }
    : firstBad && firstBad.status !== 'mismatch'
      ? { startByteOffset: firstBad.byteOffset, endByteOffset: firstBad.byteOffset + BLOCK, what: `the ${firstBad.type} tag block itself (${firstBad.status})` }
      : firstBad
        ? { ...firstBad.newRange, what: `blocks covered by the ${firstBad.type} tag but not by the tags before it` }
        : undefined;
  const where = damagedRange
    ? ` — damage in bytes 0x${damagedRange.startByteOffset.toString(16)}–0x${damagedRange.endByteOffset.toString(16)} (${damagedRange.what})`
    : '';
  return { status: 'fail', tags, ...(files ? { files } : {}), ...(damagedRange ? { damagedRange } : {}), message: `xorriso MD5 tags FAILED (${names})${where}` };
}
