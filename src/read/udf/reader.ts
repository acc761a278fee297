/**
 * The UDF volume as a namespace of `openImage` (the reader seam, ../namespace.ts): detected and opened once
 * with the image's findings, then one `DirectoryReader` over it. A bridge image whose UDF volume cannot be
 * opened keeps its other namespaces (the failure is a finding); a UDF-only image throws the reader's error.
 */
import { ErrorCode, FindingCode, IsoKitError, asIsoKitError, type Findings } from '../../errors/index.js';
import type { ByteSource } from '../../io/index.js';
import type { DirectoryReader } from '../namespace.js';
import { detectUdf } from './detect.js';
import type { UdfVolumeInfo } from './info.js';
import { openUdfVolume } from './open.js';
import type { UdfVolume } from './volume.js';

export interface UdfNamespace {
  /** the volume's identification (undefined: a UDF volume is there but cannot be read) */
  readonly info: UdfVolumeInfo | undefined;
  /** a reader of its tree (`findings`: where its findings go, default the image's); rejects when unreadable */
  reader(findings?: Findings): Promise<DirectoryReader>;
}

export interface UdfNamespaceOptions {
  readonly signal?: AbortSignal | undefined;
  /** the image has no other namespace: throw when the volume cannot be read (default: a finding) */
  readonly required?: boolean;
  /** strict reading: do not turn a failure into a finding */
  readonly strict?: boolean | undefined;
}

/** A DirectoryReader over an opened volume; the whole tree comes from the volume (shared directories once, link groups). */
export function udfDirectoryReader(volume: UdfVolume): DirectoryReader {
  return {
    namespace: 'udf',
    root: volume.root,
    readDirectory: (dir, opts) => volume.readDirectory(dir, opts),
    readTree: () => volume.readTree(),
  };
}

/**
 * The UDF volume of `source`, when it has one (undefined: no recognition sequence and no anchor). Without
 * `required`, an unreadable volume gives an UDF_UNREADABLE finding and `info: undefined`.
 */
export async function udfNamespace(source: ByteSource, findings: Findings, opts: UdfNamespaceOptions = {}): Promise<UdfNamespace | undefined> {
  const signal = opts.signal;
  const detection = await detectUdf(source, signal ? { signal } : {});
  if (!detection) return undefined;
  const open = (f: Findings) => openUdfVolume(source, f, { detection, ...(signal ? { signal } : {}) });
  let volume: UdfVolume;
  try {
    volume = await open(findings);
  } catch (e) {
    const err = asIsoKitError(e);
    if (opts.required || opts.strict || err.code === ErrorCode.ABORTED || !(e instanceof IsoKitError)) throw e;
    findings.error(FindingCode.UDF_UNREADABLE, `the UDF volume cannot be read (${err.message}); its tree is not offered`, err.byteOffset, err.structure ?? 'UDF');
    const why = err;
    return { info: undefined, reader: () => Promise.reject(why) };
  }
  return {
    info: volume.info,
    reader: async (f?: Findings) => udfDirectoryReader(f && f !== findings ? await open(f) : volume),
  };
}
