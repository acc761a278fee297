/**
 * `isokit verify` on local files: finds checksum and signature files beside the image, fetches `--sums URL`,
 * hashes with node:crypto (worker threads for several digests), then hands everything to the core's
 * `verifyImage`. Also `implantIsoMd5File` (writes the isomd5sum record in place).
 */
import { closeSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import type { ProgressCallback } from '../io/index.js';
import { planIsoMd5Implant, type IsoMd5Implant } from '../verify/isomd5.js';
import { verifyImage, type NamedBytes } from '../verify/verify-image.js';
import type { VerifyReport } from '../verify/report.js';
import { ioError } from './errors.js';
import { fileScanner } from './chunk-reader.js';
import { createNodeHasher, hashFile } from './hash-file.js';
import { openSource } from './open-source.js';

export interface VerifyFileOptions {
  /** a checksum file path or http(s) URL (instead of looking beside the image) */
  sums?: string;
  expect?: string;
  /** keyring file(s): armored or binary OpenPGP public keys */
  keyring?: string | string[];
  /** true: require the implanted isomd5sum; false: skip it; default: check when present */
  implanted?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

const SIGNATURE_SUFFIXES = ['.gpg', '.sig', '.sign', '.asc'];
const SUMS_NAMES = /^(SHA(1|224|256|384|512)SUMS|MD5SUMS|(sha(1|256|512)|md5)sums?(\.txt)?|SHA256SUMS\.txt|CHECKSUMS?(\.txt)?)$/i;

const isChecksumName = (name: string, imageBase: string): boolean => {
  if (SUMS_NAMES.test(name)) return true;
  if (/-CHECKSUM$|\.DIGESTS$|\.CHECKSUM$/i.test(name)) return true;
  if (name.startsWith(imageBase + '.')) return /^\.(md5|sha1|sha256|sha512)(sum)?(\.txt)?$/i.test(name.slice(imageBase.length));
  return false;
};

/** Checksum files beside the image (then the detached signatures that belong to them), as paths. */
export async function findReferenceFiles(imagePath: string): Promise<string[]> {
  const dir = path.dirname(imagePath);
  const base = path.basename(imagePath);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw ioError(e, dir);
  }
  const set = new Set(names);
  const sums = names.filter((n) => n !== base && isChecksumName(n, base)).sort();
  const sigs = sums.flatMap((n) => SIGNATURE_SUFFIXES.map((s) => n + s).filter((s) => set.has(s)));
  return [...sums, ...sigs].map((n) => path.join(dir, n));
}

async function fetchBytes(url: string, signal?: AbortSignal): Promise<Uint8Array | undefined> {
  let res: Response;
  try {
    res = await fetch(url, signal ? { signal } : {});
  } catch (e) {
    throw new IsoKitError(ErrorCode.HTTP, `cannot fetch ${url}: ${(e as Error).message}`, { cause: e });
  }
  if (res.status === 404 || res.status === 410) return undefined;
  if (!res.ok) throw new IsoKitError(ErrorCode.HTTP, `cannot fetch ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

const readLocal = (p: string): Uint8Array => {
  try {
    return new Uint8Array(readFileSync(p));
  } catch (e) {
    throw ioError(e, p);
  }
};

const isClearsigned = (b: Uint8Array): boolean => new TextDecoder().decode(b.subarray(0, 200)).includes('-----BEGIN PGP SIGNED MESSAGE-----');

/** Load one checksum file (path or URL) with its detached signatures. */
async function loadChecksumFile(ref: string, signal?: AbortSignal): Promise<NamedBytes & { signatures: NamedBytes[] }> {
  const isUrl = /^https?:\/\//i.test(ref);
  const bytes = isUrl ? await fetchBytes(ref, signal) : readLocal(ref);
  if (!bytes) throw new IsoKitError(ErrorCode.NOT_FOUND, `${ref}: not found (HTTP 404)`);
  const signatures: NamedBytes[] = [];
  if (!ref.endsWith('.asc')) {
    for (const s of SIGNATURE_SUFFIXES) {
      const sigRef = ref + s;
      if (isUrl) {
        const b = await fetchBytes(sigRef, signal).catch(() => undefined);
        if (b) signatures.push({ name: sigRef, bytes: b });
      } else {
        try {
          if (statSync(sigRef).isFile()) signatures.push({ name: sigRef, bytes: readLocal(sigRef) });
        } catch {
          /* no such signature */
        }
      }
    }
  }
  return { name: ref, bytes, signatures };
}

/** Verify an image file or block device (or an http(s) URL read by ranges). */
export async function verifyImageFile(imagePath: string, opts: VerifyFileOptions = {}): Promise<VerifyReport> {
  const isUrl = /^https?:\/\//i.test(imagePath);
  const imageName = isUrl ? decodeURIComponent(new URL(imagePath).pathname.split('/').pop() ?? imagePath) : path.basename(imagePath);
  const found = opts.sums !== undefined || opts.expect !== undefined || isUrl ? [] : await findReferenceFiles(imagePath);
  const refs = opts.sums !== undefined ? [opts.sums] : found.filter((p) => !SIGNATURE_SUFFIXES.some((s) => p.endsWith(s)));
  const checksumFiles: (NamedBytes & { signatures: NamedBytes[] })[] = [];
  for (const r of refs) {
    const f = await loadChecksumFile(r, opts.signal);
    // a "SHA256SUMS.asc" may be a clearsigned copy rather than a detached signature
    const clearsigned = f.signatures.filter((s) => isClearsigned(s.bytes));
    f.signatures = f.signatures.filter((s) => !isClearsigned(s.bytes));
    checksumFiles.push(f, ...clearsigned.map((c) => ({ ...c, signatures: [] })));
  }
  const keyringPaths = opts.keyring === undefined ? [] : Array.isArray(opts.keyring) ? opts.keyring : [opts.keyring];
  const keyring = keyringPaths.map((p) => ({ name: p, bytes: readLocal(p) }));
  const source = await openSource(imagePath, opts.signal ? { signal: opts.signal } : {});
  // the hash passes (isomd5sum, MD5 tags) read through their own fd with reads overlapping hashing
  let scanFd: number | undefined;
  try {
    if (!isUrl) scanFd = openScanFd(imagePath);
    const common = { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) };
    return await verifyImage({
      source,
      imageName,
      checksumFiles,
      ...(opts.expect !== undefined ? { expect: opts.expect } : {}),
      ...(keyring.length ? { keyring } : {}),
      ...(opts.implanted !== undefined ? { implanted: opts.implanted } : {}),
      factory: createNodeHasher,
      ...(isUrl ? {} : { hash: (algos, tap) => hashFile(imagePath, algos, { ...common, ...(tap ? { tap } : {}) }) }),
      ...(scanFd !== undefined ? { scan: fileScanner(scanFd, imagePath) } : {}),
      ...common,
    });
  } finally {
    if (scanFd !== undefined) closeSync(scanFd);
    await source.close?.();
  }
}

function openScanFd(imagePath: string): number {
  try {
    return openSync(imagePath, 'r');
  } catch (e) {
    throw ioError(e, imagePath);
  }
}

/** Implant an isomd5sum into the image in place (PVD Application Use field), like implantisomd5. */
export async function implantIsoMd5File(
  imagePath: string,
  opts: { force?: boolean; supported?: boolean; signal?: AbortSignal; onProgress?: ProgressCallback } = {},
): Promise<IsoMd5Implant> {
  const source = await openSource(imagePath, opts.signal ? { signal: opts.signal } : {});
  let plan: IsoMd5Implant;
  let scanFd: number | undefined;
  try {
    scanFd = openScanFd(imagePath);
    plan = await planIsoMd5Implant(source, { ...opts, factory: createNodeHasher, scan: fileScanner(scanFd, imagePath) });
  } finally {
    if (scanFd !== undefined) closeSync(scanFd);
    await source.close?.();
  }
  let fd: number;
  try {
    fd = openSync(imagePath, 'r+');
  } catch (e) {
    throw ioError(e, imagePath);
  }
  try {
    const n = writeSync(fd, plan.bytes, 0, plan.bytes.length, plan.byteOffset);
    if (n !== plan.bytes.length) throw new IsoKitError(ErrorCode.IO, `${imagePath}: short write at byte ${plan.byteOffset}`);
  } catch (e) {
    throw ioError(e, imagePath, plan.byteOffset);
  } finally {
    closeSync(fd);
  }
  return plan;
}
