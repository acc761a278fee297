/** Streaming digests. Pure JS here (browser-safe); `src/node` supplies a node:crypto factory with the same interface. */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { HashAlgorithm, HasherFactory } from './block-hasher.js';
import { Md5 } from './md5.js';
import { Sha1 } from './sha1.js';
import { Sha256 } from './sha256.js';
import { Sha512 } from './sha512.js';

export type { HashAlgorithm, Hasher, HasherFactory } from './block-hasher.js';

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['md5', 'sha1', 'sha256', 'sha512'];

/** Digest byte length per algorithm. */
export const DIGEST_BYTE_LENGTH: Readonly<Record<HashAlgorithm, number>> = { md5: 16, sha1: 20, sha256: 32, sha512: 64 };

/** The pure-JS hasher factory (works everywhere; slower than node:crypto). */
export const createJsHasher: HasherFactory = (algorithm) => {
  switch (algorithm) {
    case 'md5':
      return new Md5();
    case 'sha1':
      return new Sha1();
    case 'sha256':
      return new Sha256();
    case 'sha512':
      return new Sha512();
    default:
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `unknown hash algorithm "${String(algorithm)}" (use md5, sha1, sha256, sha512)`);
  }
};

/** One-shot digest of a byte array. */
export function hashBytes(algorithm: HashAlgorithm, data: Uint8Array, factory: HasherFactory = createJsHasher): Uint8Array {
  const h = factory(algorithm);
  h.update(data);
  return h.digest();
}

/** The algorithm a hex digest of this length belongs to (32 → md5, 40 → sha1, 64 → sha256, 128 → sha512). */
export function algorithmForHexLength(hexLength: number): HashAlgorithm | undefined {
  return HASH_ALGORITHMS.find((a) => DIGEST_BYTE_LENGTH[a] * 2 === hexLength);
}

/** Parse "md5,sha256" (also "sha-256", "SHA256") into a list of algorithms. */
export function parseAlgorithmList(text: string): HashAlgorithm[] {
  const out: HashAlgorithm[] = [];
  for (const raw of text.split(',')) {
    const name = raw.trim().toLowerCase().replace(/-/g, '');
    if (!name) continue;
    if (!(HASH_ALGORITHMS as readonly string[]).includes(name)) {
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `unknown hash algorithm "${raw.trim()}" (use md5, sha1, sha256, sha512)`);
    }
    if (!out.includes(name as HashAlgorithm)) out.push(name as HashAlgorithm);
  }
  if (!out.length) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'no hash algorithm given');
  return out;
}
