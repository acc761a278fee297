/**
 * "Integrity first": before a local image is written, checksum and signature files beside it are checked
 * through the verify module (contract 5: `findReferenceFiles`, `verifyImageFile` in src/node/verify-file.ts).
 * A mismatch or bad signature stops the write unless --force. The file is checked as stored (a .xz image
 * against the digest of the .xz), which is what checksum files list. URL sources are checked on the fly
 * while they download, against the digest given with --expect (write/source.ts).
 */
import { basename } from 'node:path';
import type { ProgressCallback } from '../../io/index.js';
import type { VerifyReport } from '../../verify/index.js';
import { findReferenceFiles, verifyImageFile } from '../verify-file.js';

export interface IntegrityReport {
  /** verify-file statuses (contract 5), plus 'skipped' (URL source, checked on the fly instead) */
  readonly status: string;
  /** true: the write must stop (mismatch, bad signature) unless forced */
  readonly blocking: boolean;
  readonly referenceFiles: string[];
  readonly message: string;
  /** the verify module's full report when it ran */
  readonly report?: VerifyReport;
}

const BLOCKING = new Set(['mismatch', 'bad-signature']);

export async function checkIntegrity(imagePath: string, opts: { expect?: string; signal?: AbortSignal; onProgress?: ProgressCallback } = {}): Promise<IntegrityReport> {
  const refs = await findReferenceFiles(imagePath);
  if (!refs.length && !opts.expect) {
    return { status: 'no-reference', blocking: false, referenceFiles: [], message: 'no checksum or signature files beside the image: integrity not checked' };
  }
  const report = await verifyImageFile(imagePath, {
    ...(opts.expect ? { expect: opts.expect } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const names = opts.expect ? '--expect' : refs.map((f) => basename(f)).join(', ');
  const text: Record<string, string> = {
    'verified-signed': `checksum matches and its signature is valid (${names})`,
    'matches-unsigned': `checksum matches (${names}; not signed)`,
    mismatch: `CHECKSUM MISMATCH (${names}): the image is damaged or not the one the reference describes`,
    'bad-signature': `BAD SIGNATURE on the checksum file (${names})`,
    'unknown-signer': `checksum matches, but the signature is by a key not in the keyring (${names})`,
    'expired-key': `checksum matches; the signing key has expired (${names})`,
    'signature-unchecked': `checksum matches; its signature could not be checked (${names})`,
    'no-reference': `the reference files (${names}) do not list this image: integrity not checked`,
  };
  return {
    status: report.status,
    blocking: BLOCKING.has(report.status),
    referenceFiles: refs,
    message: text[report.status] ?? report.message,
    report,
  };
}
