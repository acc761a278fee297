/**
 * One drive session for burn and blank: start the xorriso dialog, find the drive (the one named, or the
 * only optical drive there is), wire cancellation (the abort signal interrupts xorriso, which lets libburn
 * stop the drive cleanly), and end the dialog afterwards. Also the progress shape both operations send.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { Progress } from '../../io/index.js';
import { opticalDevicePaths, queryDrive, type OpticalDrive } from './drives.js';
import type { RunOptions, XorrisoBatch, XorrisoDialog, XorrisoOptions } from './xorriso.js';
import { XorrisoDialog as Dialog } from './xorriso.js';

export type BurnPhase = 'checking' | 'blanking' | 'formatting' | 'writing' | 'closing' | 'verifying' | 'done';

/** One flat progress object for burn and blank (the CLI's line; the web UI gets the same object). */
export interface BurnProgress extends Progress {
  phase: BurnPhase;
  /** the drive address */
  target: string;
  /** current speed as a multiple of 1x for the medium (CD 176.4 kB/s, DVD 1385, BD 4495.625) */
  speedFactor?: number;
  speedUnit?: 'CD' | 'DVD' | 'BD';
  /** the drive's buffer and libburn's fifo, in percent */
  bufferPercent?: number;
  fifoPercent?: number;
  /** seconds since the phase began (blanking and closing give no byte counts) */
  elapsed?: number;
  /** the drive's own percentage while blanking — xorriso(1) warns it is unrealistic */
  percent?: number;
}
export type BurnProgressCallback = (p: BurnProgress) => void;

export interface DriveSessionOptions extends XorrisoOptions {
  /** /dev/srN, or stdio:PATH (a libburn pseudo-drive on a file); default: the only optical drive */
  drive?: string;
  signal?: AbortSignal;
}

export interface DriveSession {
  readonly dialog: XorrisoDialog;
  readonly drive: OpticalDrive;
  /** run a batch; an abort interrupts it and the call rejects with ABORTED */
  run(args: string[], onInfo?: RunOptions['onInfo']): Promise<XorrisoBatch>;
  /** re-read the drive and medium (after a blank) */
  refresh(): Promise<OpticalDrive>;
}

/** The drive address to use: the given one, or the only optical drive (an error names the choices). */
export function resolveDriveAddress(drive: string | undefined, sysBlock?: string): string {
  if (drive) {
    if (drive.startsWith('stdio:')) {
      if (drive.length === 'stdio:'.length) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'stdio: needs a file path (stdio:/path/disc.img)');
      return drive;
    }
    return drive;
  }
  const found = opticalDevicePaths(sysBlock);
  if (found.length === 1) return found[0] as string;
  if (!found.length) throw new IsoKitError(ErrorCode.NOT_FOUND, 'no optical drive found (see: isokit drives); --drive stdio:FILE burns into a file through libburn\'s pseudo-drive');
  throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `several optical drives (${found.join(', ')}): choose one with --drive`);
}

/** Run `fn` with the drive acquired in a fresh xorriso dialog; the dialog always ends. */
export async function withDrive<T>(o: DriveSessionOptions, fn: (s: DriveSession) => Promise<T>): Promise<T> {
  const address = resolveDriveAddress(o.drive);
  const dialog = await Dialog.start(o);
  const onAbort = () => dialog.interrupt();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const aborted = (e: unknown) => {
    if (o.signal?.aborted) return new IsoKitError(ErrorCode.ABORTED, 'interrupted', { cause: o.signal.reason });
    return e;
  };
  try {
    if (o.signal?.aborted) throw aborted(undefined);
    let drive = await queryDrive(dialog, address);
    const session: DriveSession = {
      dialog,
      get drive() {
        return drive;
      },
      run: async (args, onInfo) => {
        if (o.signal?.aborted) throw aborted(undefined);
        try {
          return await dialog.run(args, onInfo ? { onInfo } : {});
        } catch (e) {
          throw aborted(e);
        }
      },
      refresh: async () => (drive = await queryDrive(dialog, address)),
    };
    return await fn(session);
  } catch (e) {
    throw aborted(e);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    if (o.signal?.aborted) await dialog.exit(120000);
    else await dialog.close().catch(() => undefined);
  }
}

/** The file or device the kernel reads for a drive address (stdio:/x → /x). */
export const kernelPathOf = (address: string): string => (address.startsWith('stdio:') ? address.slice('stdio:'.length) : address);
