/**
 * The browser-only page's worker: hashing and verification off the page's thread (WebCrypto cannot digest a
 * stream, so the library's own streaming SHA-256/SHA-512/SHA-1/MD5 run here). The image is a File, read through
 * `blobSource` in 1 MiB slices: memory stays flat whatever its size.
 */
import { blobSource } from '../../io/blob-source.js';
import { hashSource } from '../../verify/hash-source.js';
import { verifyImage } from '../../verify/verify-image.js';
import type { HashAlgorithm } from '../../verify/hash/index.js';
import { IsoKitError } from '../../errors/index.js';

export interface Named { name: string; bytes: Uint8Array }

export type WorkerRequest =
  | { id: number; kind: 'hash'; file: File; algorithms: HashAlgorithm[] }
  | { id: number; kind: 'verify'; file: File; checksumFiles: (Named & { signatures: Named[] })[]; keyring: Named[]; expect?: string };

export type WorkerAnswer =
  | { id: number; type: 'progress'; bytes: number; totalBytes?: number }
  | { id: number; type: 'done'; result: unknown }
  | { id: number; type: 'error'; error: { code: string; message: string } };

interface Scope {
  postMessage(m: WorkerAnswer): void;
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
}
const scope = self as unknown as Scope;

async function handle(req: WorkerRequest): Promise<unknown> {
  let last = 0;
  const onProgress = (p: { bytes: number; totalBytes?: number }) => {
    const now = Date.now();
    if (now - last < 100 && p.bytes !== p.totalBytes) return;
    last = now;
    scope.postMessage({ id: req.id, type: 'progress', bytes: p.bytes, ...(p.totalBytes !== undefined ? { totalBytes: p.totalBytes } : {}) });
  };
  const source = blobSource(req.file, req.file.name);
  if (req.kind === 'hash') return { digests: await hashSource(source, req.algorithms, { onProgress }) };
  const report = await verifyImage({
    source,
    imageName: req.file.name,
    checksumFiles: req.checksumFiles,
    keyring: req.keyring,
    ...(req.expect ? { expect: req.expect } : {}),
    onProgress,
  });
  return JSON.parse(JSON.stringify(report, (_k, v: unknown) => (v instanceof Uint8Array ? undefined : typeof v === 'bigint' ? v.toString() : v)));
}

scope.onmessage = (e) => {
  const req = e.data;
  handle(req).then(
    (result) => scope.postMessage({ id: req.id, type: 'done', result }),
    (err: unknown) => scope.postMessage({ id: req.id, type: 'error', error: { code: err instanceof IsoKitError ? err.code : 'ERROR', message: (err as Error)?.message ?? String(err) } }),
  );
};
