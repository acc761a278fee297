/**
 * The one place where the page reaches library calls that this build may not have yet, so the lead can connect
 * them in one file. Each function looks the call up on `isokit/node` at run time and, when it is absent,
 * throws a clear "not available in this build" error (HTTP 501) — never a made-up result.
 *
 * - optical drives, burn, rip: `listOpticalDrives`, `burnImage`, `ripImage` (issue 17, branch `optical`):
 *   the request shapes below are the subset of its `ListOpticalDrivesOptions`, `BurnOptions` and `RipOptions`
 *   the page sends; their results and progress objects go to the page unchanged.
 * - the Windows USB-stick mode of `write` (issue 16): `writeImage({ mode: 'auto' })` is to build a GPT + FAT32
 *   stick from Windows install media by itself. Until it does, it refuses them with its own explanation,
 *   which the page shows; WINDOWS_STICK says which of the two the page should announce before writing.
 * - UDF in `create` (issue 15): the option is sent only when UDF_WRITER is true.
 * Reading UDF trees (issue 14) needs nothing here: the page lists the namespaces an image reports and
 * `image.openTree('udf')` answers for itself.
 */
import { ApiError } from './errors.js';
import type { Progress } from '../../node/index.js';

/** Flip when `writeImage` builds Windows sticks in --mode auto (issue 16). */
export const WINDOWS_STICK = false;
/** Flip when `createImageFile` takes `udf: true` (issue 15). */
export const UDF_WRITER = false;

export interface Capabilities {
  readonly opticalDrives: boolean;
  readonly burn: boolean;
  readonly rip: boolean;
  readonly windowsStick: boolean;
  readonly udfWriter: boolean;
}

export interface OpticalDriveRequest {
  readonly signal?: AbortSignal;
}

export interface BurnRequest {
  readonly image: string;
  /** /dev/srN, or stdio:PATH (a libburn pseudo-drive on a file) */
  readonly drive: string;
  readonly speed?: string;
  readonly blank?: 'as-needed' | 'fast' | 'full';
  readonly verify?: boolean;
  readonly yes: true;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress & Record<string, unknown>) => void;
  readonly onMessage?: (level: 'info' | 'warn', text: string) => void;
}

export interface RipRequest {
  readonly source: string;
  readonly output: string;
  readonly sums?: string;
  readonly verify?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress & Record<string, unknown>) => void;
  readonly onMessage?: (level: 'info' | 'warn', text: string) => void;
}

type AnyCall = (opts: unknown) => Promise<unknown>;

async function lookUp(name: string): Promise<AnyCall | undefined> {
  const lib = (await import('../../node/index.js')) as unknown as Record<string, unknown>;
  const f = lib[name];
  return typeof f === 'function' ? (f as AnyCall) : undefined;
}

const WHAT: Record<string, string> = {
  listOpticalDrives: 'listing optical drives',
  burnImage: 'burning discs',
  ripImage: 'ripping discs',
};

async function call(name: string, opts: unknown): Promise<unknown> {
  const f = await lookUp(name);
  if (!f) {
    throw new ApiError(501, 'NOT_AVAILABLE', `${WHAT[name] ?? name} is not available in this build of isokit (it has no ${name} yet)`, 'use a newer isokit; the other pages work without it');
  }
  return f(opts);
}

export async function capabilities(): Promise<Capabilities> {
  const [drives, burn, rip] = await Promise.all([lookUp('listOpticalDrives'), lookUp('burnImage'), lookUp('ripImage')]);
  return { opticalDrives: !!drives, burn: !!burn, rip: !!rip, windowsStick: WINDOWS_STICK, udfWriter: UDF_WRITER };
}

export const listOpticalDrives = (o: OpticalDriveRequest = {}): Promise<unknown> => call('listOpticalDrives', o);
export const burnImage = (o: BurnRequest): Promise<unknown> => call('burnImage', o);
export const ripImage = (o: RipRequest): Promise<unknown> => call('ripImage', o);
