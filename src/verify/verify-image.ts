/**
 * `verifyImage`: compare an image with checksum files (and their signatures), an expected digest, its
 * implanted isomd5sum and its xorriso MD5 tags. Browser-safe: the caller supplies the file contents
 * (src/node/verify-file.ts finds them beside the image and swaps in node:crypto hashing).
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import type { ByteSource, ProgressCallback } from '../io/index.js';
import { algorithmForHexLength, type HashAlgorithm, type HasherFactory } from './hash/index.js';
import { hashSource, type ChunkTap, type Digests, type RangeScanner } from './hash-source.js';
import { algorithmFromFileName, entriesForFile, parseChecksumFile } from './checksum-file.js';
import { readKeyring, verifyClearsigned, verifyDetachedSignature, type OpenPgpKey, type SignatureCheck } from './signature.js';
import { checkIsoMd5, locateIsoMd5, startIsoMd5Check, type IsoMd5CheckResult, type IsoMd5Location } from './isomd5.js';
import { verifyMd5Tags, type Md5TagsReport } from './md5-tags.js';
import { decideVerifyStatus, type ReferenceMatch, type VerifyReport } from './report.js';

export interface NamedBytes {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface VerifyImageInput {
  readonly source: ByteSource;
  /** the image's file name, used to pick lines from checksum files */
  readonly imageName: string;
  readonly checksumFiles?: readonly (NamedBytes & { signatures?: readonly NamedBytes[] })[];
  /** an expected digest in hex; the algorithm follows from its length */
  readonly expect?: string;
  readonly keyring?: readonly NamedBytes[];
  /** true: require and check the implanted isomd5sum; undefined: check it when present; false: skip */
  readonly implanted?: boolean;
  /** false skips the xorriso MD5 tags (default: checked when present) */
  readonly md5Tags?: boolean;
  readonly factory?: HasherFactory;
  /** digest the whole source with several algorithms at once (default: hashSource with `factory`) */
  readonly hash?: (algorithms: HashAlgorithm[], tap?: ChunkTap) => Promise<Digests>;
  /** fast sequential reader for the hash passes (isomd5sum, MD5 tags, default digests); default `source.read` */
  readonly scan?: RangeScanner;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressCallback;
  /** extra consulted/warning entries from the caller (files that could not be read…) */
  readonly consulted?: VerifyReport['consulted'];
  readonly warnings?: string[];
}

interface Candidate {
  file?: NamedBytes & { signatures?: readonly NamedBytes[] };
  clearsigned?: boolean;
  entry: { hex: string; algorithm: HashAlgorithm; line?: number; text?: string; format?: ReferenceMatch['format'] };
}

function collectCandidates(input: VerifyImageInput, consulted: VerifyReport['consulted'], warnings: string[]): Candidate[] {
  const out: Candidate[] = [];
  for (const f of input.checksumFiles ?? []) {
    try {
      const parsed = parseChecksumFile(f.bytes, algorithmFromFileName(f.name));
      consulted.push({ file: f.name, entries: parsed.entries.length, clearsigned: parsed.clearsigned });
      for (const e of entriesForFile(parsed, input.imageName)) {
        if (!e.algorithm) {
          warnings.push(`${f.name} line ${e.line}: ${e.algorithmName} is not supported, skipped`);
          continue;
        }
        out.push({ file: f, clearsigned: parsed.clearsigned, entry: { hex: e.hex, algorithm: e.algorithm, line: e.line, text: e.text, format: e.format } });
      }
    } catch (e) {
      consulted.push({ file: f.name, error: (e as Error).message });
    }
  }
  if (input.expect !== undefined) {
    // bare hex, or "sha256:HEX" as `isokit write --expect` documents it
    const m = /^(?:(md5|sha1|sha256|sha512)[:=])?([0-9a-f]+)$/.exec(input.expect.trim().toLowerCase());
    const hex = m?.[2] ?? input.expect.trim();
    const algorithm = m ? algorithmForHexLength(hex.length) : undefined;
    if (!algorithm || (m?.[1] !== undefined && m[1] !== algorithm)) {
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `--expect needs a hex digest of 32 (MD5), 40 (SHA-1), 64 (SHA-256) or 128 (SHA-512) digits (optionally as sha256:HEX), got "${input.expect}"`);
    }
    out.push({ entry: { hex, algorithm } });
  }
  return out;
}

async function signatureFor(c: Candidate, keys: OpenPgpKey[] | undefined, cache: Map<string, SignatureCheck | undefined>): Promise<SignatureCheck | undefined> {
  const f = c.file;
  if (!f) return undefined;
  if (cache.has(f.name)) return cache.get(f.name);
  let result: SignatureCheck | undefined;
  if (c.clearsigned) result = await verifyClearsigned(new TextDecoder().decode(f.bytes), f.name, keys);
  else {
    for (const sig of f.signatures ?? []) {
      const r = await verifyDetachedSignature(f.bytes, sig, keys);
      if (!result || r.status === 'good') result = r;
      if (r.status === 'good') break;
    }
  }
  cache.set(f.name, result);
  return result;
}

type CommonOpts = { factory?: HasherFactory; signal?: AbortSignal; onProgress?: ProgressCallback; scan?: RangeScanner };

const commonOpts = (input: VerifyImageInput): CommonOpts => ({
  ...(input.factory ? { factory: input.factory } : {}),
  ...(input.signal ? { signal: input.signal } : {}),
  ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  ...(input.scan ? { scan: input.scan } : {}),
});

/** The isomd5sum location when the implanted check is to run (throws when `implanted: true` and there is none). */
async function implantedLocation(input: VerifyImageInput): Promise<IsoMd5Location | undefined> {
  if (input.implanted === false) return undefined;
  let loc: IsoMd5Location | undefined;
  try {
    loc = await locateIsoMd5(input.source, input.signal ? { signal: input.signal } : {});
  } catch (e) {
    if (input.implanted) throw e;
  }
  if (loc?.record) return loc;
  if (input.implanted) throw new IsoKitError(ErrorCode.NOT_FOUND, `${input.imageName} has no implanted isomd5sum (PVD Application Use field)`);
  return undefined;
}

/**
 * The digests and the implanted isomd5sum, in one read pass when both are needed (the isomd5sum pass is
 * fed from the digest pass's chunks through `hash`'s tap).
 */
async function digestsAndImplanted(
  input: VerifyImageInput,
  algorithms: HashAlgorithm[],
  hash: NonNullable<VerifyImageInput['hash']>,
): Promise<{ digests: Digests; implanted?: IsoMd5CheckResult }> {
  const loc = await implantedLocation(input);
  if (!loc) return { digests: algorithms.length ? await hash(algorithms) : {} };
  if (!algorithms.length) return { digests: {}, implanted: await checkIsoMd5(input.source, commonOpts(input)) };
  const check = startIsoMd5Check(input.source, loc, { ...(input.factory ? { factory: input.factory } : {}) });
  if ('status' in check) return { digests: await hash(algorithms), implanted: check };
  const digests = await hash(algorithms, (chunk, byteOffset) => void check.pass.consume(chunk, byteOffset));
  return { digests, implanted: check.finish() };
}

export async function verifyImage(input: VerifyImageInput): Promise<VerifyReport> {
  const consulted: VerifyReport['consulted'] = [...(input.consulted ?? [])];
  const warnings = [...(input.warnings ?? [])];
  const candidates = collectCandidates(input, consulted, warnings);
  const algorithms = [...new Set(candidates.map((c) => c.entry.algorithm))];
  const hash = input.hash ?? ((algos: HashAlgorithm[], tap?: ChunkTap) => hashSource(input.source, algos, { ...commonOpts(input), ...(tap ? { tap } : {}) }));
  const { digests, implanted } = await digestsAndImplanted(input, algorithms, hash);
  if (implanted?.checkisomd5Agrees === false && implanted.status === 'pass') {
    warnings.push('checkisomd5 1.2.x would report FAIL for this image (its fragment bookkeeping breaks below 688 KiB); the full MD5 matches');
  }
  const needsKeys = candidates.some((c) => c.clearsigned || c.file?.signatures?.length);
  const keys = input.keyring?.length && needsKeys ? await readKeyring(input.keyring) : undefined;
  const cache = new Map<string, SignatureCheck | undefined>();
  const references: ReferenceMatch[] = [];
  for (const c of candidates) {
    const actual = digests[c.entry.algorithm];
    const signature = await signatureFor(c, keys, cache);
    references.push({
      kind: c.file ? 'checksum-file' : 'expect',
      ...(c.file ? { file: c.file.name } : {}),
      ...(c.entry.line !== undefined ? { line: c.entry.line } : {}),
      ...(c.entry.text !== undefined ? { lineText: c.entry.text } : {}),
      ...(c.entry.format ? { format: c.entry.format } : {}),
      algorithm: c.entry.algorithm,
      expected: c.entry.hex,
      ...(actual ? { actual } : {}),
      matches: actual === c.entry.hex,
      ...(signature ? { signature } : {}),
    });
  }
  let md5Tags: Md5TagsReport | undefined;
  if (input.md5Tags !== false) {
    const r = await verifyMd5Tags(input.source, commonOpts(input));
    if (r.status !== 'absent') md5Tags = r;
  }
  const embedded = { ...(implanted ? { implanted } : {}), ...(md5Tags ? { md5Tags } : {}) };
  return decideVerifyStatus({ image: input.imageName, digests, references, consulted, warnings, ...embedded });
}
