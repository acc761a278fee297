/**
 * Deciding a burn before anything is written (pure: drive and medium descriptions in, a plan or a refusal
 * out; the tests feed it drives recorded from real runs and the media libburn names).
 *
 * - The medium must be writable and ready: blank; or erasable (CD-RW, sequential DVD-RW: blanked first);
 *   or overwritable (DVD+RW, DVD-RAM, BD-RE, a file: the image overwrites from block 0). A write-once disc
 *   that already holds data is refused: an image burned as a later session starts at another address and
 *   is not readable as that image.
 * - The image must fit, padding included (research notes §1.5: CD keeps 300 KiB of padding after the
 *   image, for readers with the TAO read-ahead bug; DVD and BD get none, and libburn writes whole 32 KiB
 *   (DVD) or 64 KiB (BD and files) chunks).
 * - CD is written SAO (no TAO run-out blocks after the image); DVD/BD use libburn's default (DAO on blank
 *   DVD-R with closing). `-dummy` exists only where MMC has a test write (CD-R/RW, DVD-R/RW).
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { OpticalDrive, OpticalMedium } from './drives.js';
import { chooseSpeed, type SpeedChoice, type SpeedRequest } from './medium.js';

export type BlankPolicy = 'as-needed' | 'fast' | 'full';
/** xorriso -blank modes (xorriso(1)): `as_needed` also formats unformatted DVD-RAM/BD-RE */
export type XorrisoBlankMode = 'as_needed' | 'fast' | 'all';

export const CD_PADDING_BYTES = 300 * 1024;
const BLOCK = 2048;

export interface BurnPlan {
  readonly drive: OpticalDrive;
  readonly medium: OpticalMedium;
  readonly imageByteLength: number;
  /** blanking (or formatting) before the write, when needed */
  readonly blank?: XorrisoBlankMode;
  readonly speed: SpeedChoice;
  /** CD: 'sao'; DVD/BD/files: libburn's choice */
  readonly writeType: 'sao' | 'auto';
  readonly paddingBytes: number;
  /** what the burn occupies on the medium, padding and write chunks included */
  readonly neededBytes: number;
  readonly capacityBytes: number;
  readonly dummy: boolean;
  /** first block of the new session (0: every burn isokit makes starts there) */
  readonly startLba: number;
  readonly notes: string[];
}

const refuse = (message: string): never => {
  throw new IsoKitError(ErrorCode.UNSUPPORTED, `refusing to burn: ${message}`);
};

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/** Bytes the burn takes on the medium: image + padding, in whole write chunks. */
export function neededBytes(imageByteLength: number, family: string): { paddingBytes: number; neededBytes: number } {
  const paddingBytes = family === 'CD' ? CD_PADDING_BYTES : 0;
  const chunk = family === 'CD' ? BLOCK : family === 'DVD' ? 32 * 1024 : 64 * 1024;
  return { paddingBytes, neededBytes: roundUp(roundUp(imageByteLength, BLOCK) + paddingBytes, chunk) };
}

/** Whether and how to blank before writing (undefined: no blanking). */
function blankMode(m: OpticalMedium, policy: BlankPolicy, dummy: boolean): XorrisoBlankMode | undefined {
  const t = m.type;
  if (!t) return undefined;
  const used = m.state !== 'blank';
  let mode: XorrisoBlankMode | undefined;
  if (t.erasable && used) mode = policy === 'full' ? 'all' : 'fast';
  else if (t.overwritable && used && policy !== 'as-needed') mode = policy === 'full' ? 'all' : 'fast';
  // blank DVD-RAM / BD-RE may still need formatting: xorriso's as_needed formats them and ignores the rest
  else if (t.overwritable && !used && t.family !== 'file' && (t.family === 'BD' || t.name === 'DVD-RAM')) mode = 'as_needed';
  if (mode && dummy) {
    if (t.erasable) refuse(`a simulated burn (--dummy) needs a blank ${t.name}: xorriso -dummy neither blanks nor formats`);
    return undefined;
  }
  return mode;
}

/** Check the drive and medium against the image and decide blanking, speed and write type. */
export function planBurn(input: { drive: OpticalDrive; imageByteLength: number; speed: SpeedRequest; blank: BlankPolicy; dummy: boolean }): BurnPlan {
  const { drive } = input;
  const m = drive.medium;
  const where = drive.path;
  if (!m) return refuse(`${where}: ${drive.error ?? 'no medium information'}`);
  if (m.state === 'absent') refuse(`no disc in ${where}`);
  const t = m.type;
  if (!t) return refuse(`the medium in ${where} is not recognized (${m.current})`);
  if (!drive.canWrite) refuse(`${where} (${[drive.vendor, drive.model].filter(Boolean).join(' ') || 'drive'}) cannot write: it reads only`);
  if (!t.writable) refuse(`${where} holds a ${t.name}, which cannot be written`);
  if (m.state === 'unsuitable') refuse(`the ${t.name} in ${where} is unsuitable for writing (${m.statusText})`);
  if (!t.erasable && !t.overwritable && m.state !== 'blank') {
    refuse(
      m.state === 'closed'
        ? `the ${t.name} in ${where} is closed (written and finalized): use a blank or rewritable disc`
        : `the ${t.name} in ${where} already holds data: an image burned as a later session would start at block ${m.nextWritableLba ?? '?'} and not be readable as this image; use a blank disc`,
    );
  }
  if (input.dummy && !t.simulation) refuse(`a ${t.name} cannot be test-written: MMC simulation (--dummy) exists only for CD-R/RW and DVD-R/RW`);
  const blank = blankMode(m, input.blank, input.dummy);
  const { paddingBytes, neededBytes: need } = neededBytes(input.imageByteLength, t.family);
  // after blanking a used CD-RW/DVD-RW its whole capacity is free; overwritable media are written from 0
  const capacityBlocks = t.overwritable || (blank && t.erasable) ? (m.overallBlocks ?? 0) : (m.writableBlocks ?? 0);
  const capacityBytes = capacityBlocks * BLOCK;
  if (need > capacityBytes) {
    const pad = paddingBytes ? ` (${paddingBytes / 1024} KiB padding included)` : '';
    refuse(`the image needs ${need / BLOCK} blocks${pad}; the ${t.name} in ${where} has room for ${capacityBlocks}`);
  }
  const notes: string[] = [];
  if (t.family === 'BD' || t.name === 'DVD-RAM') notes.push(`${t.name} with defect management writes at about half the nominal speed`);
  if (input.imageByteLength % BLOCK) notes.push(`the image is not a whole number of 2048-byte blocks: the last block is padded with zeros`);
  return {
    drive, medium: m, imageByteLength: input.imageByteLength, ...(blank ? { blank } : {}),
    speed: chooseSpeed(input.speed, drive.writeSpeeds, t.family),
    writeType: t.family === 'CD' ? 'sao' : 'auto',
    paddingBytes, neededBytes: need, capacityBytes, dummy: input.dummy, startLba: 0, notes,
  };
}

/** The dialog command that burns the image: xorriso's cdrecord emulation, one data track, closed. */
export function burnArgs(plan: BurnPlan, imagePath: string): string[] {
  return [
    '-as', 'cdrecord', '-v', `dev=${plan.drive.path}`,
    ...(plan.speed.xorriso !== 'none' ? [`speed=${plan.speed.xorriso}`] : []),
    ...(plan.writeType === 'sao' ? ['-sao'] : []),
    `padsize=${plan.paddingBytes / 1024}k`,
    ...(plan.dummy ? ['-dummy'] : []),
    imagePath,
    '--',
  ];
}
