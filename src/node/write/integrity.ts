/**
 * "Integrity first": before a local image is written, checksum and signature files beside it are checked
 * through the verify module (contract 5: `findReferenceFiles`, `verifyImageFile` in src/node/verify-file.ts).
 * A mismatch or bad signature stops the write unless --force. When that module is not part of this build
 * the report says so (status 'unavailable') and lists candidate files it saw — it never pretends to have
 * checked them. A digest given with --expect is checked on the fly while writing (write/source.ts).
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ProgressCallback } from '../../io/index.js';

export interface IntegrityReport {
  /** verify-file statuses, plus 'unavailable' (module missing) and 'skipped' (not a local file) */
  readonly status: string;
  /** true: the write must stop (mismatch, bad signature) unless forced */
  readonly blocking: boolean;
  readonly referenceFiles: string[];
  readonly message: string;
  /** the verify module's full report when it ran */
  readonly report?: unknown;
}

interface VerifyFileModule {
  findReferenceFiles(imagePath: string): Promise<string[]>;
  verifyImageFile(imagePath: string, opts?: { expect?: string; signal?: AbortSignal; onProgress?: ProgressCallback }): Promise<{ status: string; message?: string; summary?: string }>;
}

async function loadVerifyFile(): Promise<VerifyFileModule | undefined> {
  const spec = '../verify-file.js';
  try {
    const mod = (await import(spec)) as Partial<VerifyFileModule>;
    if (typeof mod.findReferenceFiles === 'function' && typeof mod.verifyImageFile === 'function') return mod as VerifyFileModule;
  } catch {
    /* not in this build */
  }
  return undefined;
}

const CANDIDATE = /(^|[._-])(sha(1|224|256|384|512)?sums?|md5sums?|checksums?)([._-]|$)|\.(sha(1|256|512)|md5|sig|asc|gpg|sign)$/i;

/** Files beside the image that look like checksums or signatures (used only for the 'unavailable' note). */
export function candidateReferenceFiles(imagePath: string): string[] {
  try {
    const dir = dirname(imagePath);
    const base = basename(imagePath);
    return readdirSync(dir)
      .filter((f) => f !== base && CANDIDATE.test(f))
      .map((f) => join(dir, f))
      .sort();
  } catch {
    return [];
  }
}

const BLOCKING = new Set(['mismatch', 'bad-signature']);

export async function checkIntegrity(imagePath: string, opts: { expect?: string; signal?: AbortSignal; onProgress?: ProgressCallback } = {}): Promise<IntegrityReport> {
  const mod = await loadVerifyFile();
  if (!mod) {
    const c = candidateReferenceFiles(imagePath);
    return {
      status: 'unavailable',
      blocking: false,
      referenceFiles: c,
      message: `checksum/signature check not done: the verify module (src/node/verify-file.ts) is not integrated in this build yet${c.length ? ` — found but NOT checked: ${c.map((f) => basename(f)).join(', ')}` : ''}`,
    };
  }
  const refs = await mod.findReferenceFiles(imagePath);
  if (!refs.length && !opts.expect) {
    return { status: 'no-reference', blocking: false, referenceFiles: [], message: 'no checksum or signature files beside the image: integrity not checked' };
  }
  const report = await mod.verifyImageFile(imagePath, { ...(opts.expect ? { expect: opts.expect } : {}), ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  const names = refs.map((f) => basename(f)).join(', ');
  const text: Record<string, string> = {
    'verified-signed': `checksum matches and its signature is valid (${names})`,
    'matches-unsigned': `checksum matches (${names}; not signed)`,
    mismatch: `CHECKSUM MISMATCH (${names}): the image is damaged or not the one the checksum file describes`,
    'bad-signature': `BAD SIGNATURE on the checksum file (${names})`,
    'unknown-signer': `checksum matches, but the signature is by a key not in the keyring (${names})`,
    'no-reference': `the reference files (${names}) do not list this image`,
  };
  return {
    status: report.status,
    blocking: BLOCKING.has(report.status),
    referenceFiles: refs,
    message: text[report.status] ?? report.message ?? report.summary ?? report.status,
    report,
  };
}
