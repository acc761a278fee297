/**
 * What the table of contents says about a disc before it is ripped (through xorriso, research notes
 * §3.5): data discs are ripped; audio discs are refused (CD-DA sectors are not 2048-byte data blocks and
 * READ(10) cannot read them: that needs cdparanoia); a mixed-mode disc (data track 1, then audio) gives its
 * data track with a warning. Without xorriso the rip goes on from the file system alone and says so.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { queryDrive, type OpticalMedium } from '../optical/drives.js';
import { XorrisoDialog, type XorrisoOptions } from '../optical/xorriso.js';

const BLOCK = 2048;

export interface DiscLayout {
  readonly medium?: OpticalMedium;
  /** readable bytes of the data track(s) to rip */
  readonly tocByteLength?: number;
  /** ISO 9660 session starts (blocks): each has its own volume descriptors */
  readonly isoSessionStarts: number[];
  readonly notes: string[];
  readonly warnings: string[];
}

/** Decide from a medium's TOC (pure; tests give it recorded media). */
export function layoutFromMedium(m: OpticalMedium, path: string): DiscLayout {
  const notes: string[] = [];
  const warnings: string[] = [];
  if (m.state === 'absent') throw new IsoKitError(ErrorCode.IO, `${path}: no disc in the drive`);
  if (m.state === 'blank') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path}: the disc is blank, there is nothing to rip`);
  const isoStarts = m.sessions.filter((s) => s.kind === 'iso' || s.kind === 'iso-track').map((s) => s.startLba);
  const dataBlocks = m.dataBlocks ?? m.readableBlocks;
  if (m.nonDataBlocks > 0 && !dataBlocks) {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `${path} holds an audio CD (${m.nonDataBlocks} audio blocks, no data track): audio tracks are not 2048-byte data blocks; rip them with an audio ripper such as cdparanoia`);
  }
  let tocByteLength = m.readableBlocks !== undefined ? m.readableBlocks * BLOCK : undefined;
  if (m.nonDataBlocks > 0) {
    const first = m.sessions[0];
    const end = first && (first.kind === 'iso' || first.kind === 'iso-track') ? first.startLba + first.blockCount : (dataBlocks ?? 0);
    tocByteLength = end * BLOCK;
    warnings.push(`${path} is a mixed-mode disc (a data track and ${m.nonDataBlocks} blocks of audio): only the data track (${end} blocks) is ripped`);
  }
  if (m.sessions.length > 1) notes.push(`${m.sessions.length} sessions: ripping from block 0 to the end of the last one (later sessions address the whole disc)`);
  return { medium: m, ...(tocByteLength !== undefined ? { tocByteLength } : {}), isoSessionStarts: isoStarts, notes, warnings };
}

/** Read the disc's TOC through xorriso; without xorriso, an empty layout with a note. */
export async function readDiscLayout(path: string, opts: XorrisoOptions = {}): Promise<DiscLayout> {
  let d: XorrisoDialog;
  try {
    d = await XorrisoDialog.start(opts);
  } catch (e) {
    if (e instanceof IsoKitError && (e.code === ErrorCode.NOT_FOUND || e.code === ErrorCode.UNSUPPORTED)) {
      return { isoSessionStarts: [], notes: [`table of contents not read (${e.message}): audio tracks cannot be detected, the size comes from the file system`], warnings: [] };
    }
    throw e;
  }
  let medium: OpticalMedium | undefined;
  try {
    medium = (await queryDrive(d, path)).medium;
    await d.run(['-outdev', '']);
  } catch (e) {
    return { isoSessionStarts: [], notes: [`table of contents not read: ${(e as Error).message}`], warnings: [] };
  } finally {
    await d.close();
  }
  if (!medium) return { isoSessionStarts: [], notes: ['the drive reported no medium information'], warnings: [] };
  return layoutFromMedium(medium, path);
}
