/**
 * The verdict of `isokit verify`: which reference matched, whether it is signed, and one status with its
 * own exit code. An unsigned match is "matches-unsigned", never "verified".
 */
import type { HashAlgorithm } from './hash/index.js';
import type { Digests } from './hash-source.js';
import type { ChecksumEntry } from './checksum-file.js';
import type { SignatureCheck } from './signature.js';
import type { IsoMd5CheckResult } from './isomd5.js';
import type { Md5TagsReport } from './md5-tags.js';

export type VerifyStatus =
  | 'verified-signed'
  | 'matches-unsigned'
  | 'mismatch'
  | 'bad-signature'
  | 'unknown-signer'
  | 'expired-key'
  | 'signature-unchecked'
  | 'no-reference';

/** Exit codes of `isokit verify` (README "isokit verify"). */
export const VERIFY_EXIT_CODES: Readonly<Record<VerifyStatus, number>> = {
  'verified-signed': 0,
  mismatch: 3,
  'matches-unsigned': 4,
  'bad-signature': 5,
  'unknown-signer': 6,
  'no-reference': 7,
  'expired-key': 8,
  'signature-unchecked': 9,
};

/** One reference digest the image was compared with. */
export interface ReferenceMatch {
  readonly kind: 'checksum-file' | 'expect';
  /** checksum file path or URL (kind 'checksum-file') */
  readonly file?: string;
  readonly line?: number;
  readonly lineText?: string;
  readonly format?: ChecksumEntry['format'];
  readonly algorithm: HashAlgorithm;
  readonly expected: string;
  readonly actual?: string;
  readonly matches: boolean;
  readonly signature?: SignatureCheck;
}

export interface VerifyReport {
  readonly status: VerifyStatus;
  readonly exitCode: number;
  readonly message: string;
  readonly image: string;
  readonly digests: Digests;
  /** the reference the verdict rests on */
  readonly reference?: ReferenceMatch;
  /** every reference compared (several checksum files may name the image) */
  readonly references: ReferenceMatch[];
  /** checksum and signature files looked at */
  readonly consulted: { file: string; entries?: number; clearsigned?: boolean; error?: string }[];
  readonly implanted?: IsoMd5CheckResult;
  readonly md5Tags?: Md5TagsReport;
  readonly warnings: string[];
}

const STRENGTH: Record<HashAlgorithm, number> = { md5: 0, sha1: 1, sha256: 2, sha512: 3 };
const SIG_RANK = { good: 4, 'expired-key': 3, 'no-keyring': 2, 'unknown-signer': 1, bad: 0 } as const;

/** The reference the verdict rests on: signed before unsigned, then the stronger algorithm. */
export function primaryReference(refs: readonly ReferenceMatch[]): ReferenceMatch | undefined {
  return [...refs].sort((a, b) => {
    const sa = a.signature ? SIG_RANK[a.signature.status] + 1 : 0;
    const sb = b.signature ? SIG_RANK[b.signature.status] + 1 : 0;
    if (sa !== sb) return sb - sa;
    return STRENGTH[b.algorithm] - STRENGTH[a.algorithm];
  })[0];
}

const describe = (r: ReferenceMatch): string =>
  r.kind === 'expect' ? `--expect (${r.algorithm})` : `${r.file}${r.line ? ` line ${r.line}` : ''} (${r.algorithm})`;

/**
 * Decide the status. Order: a bad signature on the file that names the image wins (the reference cannot be
 * trusted); then any digest mismatch (including a failed implanted MD5 or xorriso tag); then the signature
 * state of the primary reference; with no reference at all, an embedded checksum that passes counts as an
 * unsigned match.
 */
export function decideVerifyStatus(input: {
  image: string;
  digests: Digests;
  references: ReferenceMatch[];
  consulted: VerifyReport['consulted'];
  implanted?: IsoMd5CheckResult;
  md5Tags?: Md5TagsReport;
  warnings?: string[];
}): VerifyReport {
  const warnings = [...(input.warnings ?? [])];
  const refs = input.references;
  const primary = primaryReference(refs);
  const base = { image: input.image, digests: input.digests, references: refs, consulted: input.consulted, warnings };
  const extra = { ...(input.implanted ? { implanted: input.implanted } : {}), ...(input.md5Tags ? { md5Tags: input.md5Tags } : {}) };
  const make = (status: VerifyStatus, message: string, reference?: ReferenceMatch): VerifyReport => ({
    status,
    exitCode: VERIFY_EXIT_CODES[status],
    message,
    ...base,
    ...(reference ? { reference } : {}),
    ...extra,
  });
  const badSig = refs.find((r) => r.signature?.status === 'bad');
  if (badSig) return make('bad-signature', `BAD SIGNATURE on ${badSig.signature?.source}: ${badSig.signature?.message} — the checksum file cannot be trusted`, badSig);
  const mismatch = refs.find((r) => !r.matches);
  if (mismatch) {
    return make('mismatch', `MISMATCH: ${input.image} does not match ${describe(mismatch)}: expected ${mismatch.expected}, got ${mismatch.actual ?? '?'}`, mismatch);
  }
  if (input.implanted?.status === 'fail') return make('mismatch', `MISMATCH: ${input.implanted.message}`, primary);
  if (input.md5Tags?.status === 'fail') return make('mismatch', `MISMATCH: ${input.md5Tags.message}`, primary);
  if (!primary) {
    const embedded = [input.implanted?.status === 'pass' ? 'implanted isomd5sum' : '', input.md5Tags?.status === 'pass' ? 'xorriso MD5 tags' : ''].filter(Boolean);
    if (embedded.length) {
      return make('matches-unsigned', `matches its embedded ${embedded.join(' and ')}, but nothing signed vouches for it (no checksum file found)`);
    }
    return make('no-reference', `no reference checksum for ${input.image}: give --sums FILE|URL or --expect HEX, or put SHA256SUMS (or ${input.image}.sha256) beside it`);
  }
  const sig = primary.signature;
  const what = `${input.image} matches ${describe(primary)}`;
  if (!sig) return make('matches-unsigned', `${what}, but the checksum file is NOT SIGNED (not verified)`, primary);
  switch (sig.status) {
    case 'good':
      return make('verified-signed', `VERIFIED: ${what}, ${sig.message}`, primary);
    case 'expired-key':
      return make('expired-key', `${what}; ${sig.message}`, primary);
    case 'unknown-signer':
      return make('unknown-signer', `${what}, but ${sig.message}`, primary);
    case 'no-keyring':
      return make('signature-unchecked', `${what}; the checksum file is ${sig.message}`, primary);
    default:
      return make('bad-signature', `BAD SIGNATURE: ${sig.message}`, primary);
  }
}
