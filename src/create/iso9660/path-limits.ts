/**
 * Path length limits, decided like xorriso's defaults:
 * - ISO 9660 (ECMA-119 6.8.2.1: identifiers of a file's path plus its separators ≤ 255 characters): xorriso
 *   writes longer paths anyway (libisofs `allow_longer_paths`; with Rock Ridge it never checks), and every
 *   reader in the test matrix reads them. So do we, with one warning finding; `strictIso9660` makes it an error.
 * - Joliet (Joliet spec 3.1: a path ≤ 240 UCS-2 characters): xorriso leaves such files (and directories, with
 *   everything below) out of the Joliet tree only — 7-Zip and Windows would refuse them — and says so; they
 *   stay in the ISO 9660 / Rock Ridge tree. Same here, one warning finding per omitted entry.
 * Lengths count the '/'-joined identifiers below the root, without the ";1" version suffix for Joliet.
 */
import { ErrorCode, IsoKitError, FindingCode } from '../../errors/index.js';
import { isPlanDir, pathOf, type PlanDirEntry } from '../tree.js';
import type { IsoState } from './state.js';

export const MAX_ISO9660_PATH_LENGTH = 255;
export const MAX_JOLIET_PATH_LENGTH = 240;

const idLength = (id: string) => (id.endsWith(';1') ? id.length - 2 : id.length);

/** Drop entries whose Joliet path is too long from the Joliet record lists (call before ordering directories). */
export function limitJolietPaths(s: IsoState): number {
  let omitted = 0;
  const queue: { d: PlanDirEntry; len: number }[] = [{ d: s.root, len: 0 }];
  for (let i = 0; i < queue.length; i++) {
    const { d, len } = queue[i] as { d: PlanDirEntry; len: number };
    const kids = s.dir(d).jolietChildren;
    let keep = 0;
    for (const c of kids) {
      const l = len + (len ? 1 : 0) + idLength(s.jolietName[c.id] as string);
      if (l > MAX_JOLIET_PATH_LENGTH) {
        omitted++;
        s.tree.findings.warn(FindingCode.JOLIET_PATH_TOO_LONG, `${pathOf(c)} left out of the Joliet tree: its Joliet path is ${l} characters (at most ${MAX_JOLIET_PATH_LENGTH})`, undefined, 'Joliet');
        continue;
      }
      kids[keep++] = c;
      if (isPlanDir(c)) queue.push({ d: c, len: l });
    }
    kids.length = keep;
  }
  return omitted;
}

/** Check ISO 9660 path lengths (after relocation): a finding by default, an error with `strictIso9660`. */
export function checkIso9660Paths(s: IsoState): void {
  let count = 0;
  let first = '';
  let firstLength = 0;
  const queue: { d: PlanDirEntry; len: number }[] = [{ d: s.root, len: 0 }];
  for (let i = 0; i < queue.length; i++) {
    const { d, len } = queue[i] as { d: PlanDirEntry; len: number };
    for (const c of s.dir(d).children) {
      const l = len + (len ? 1 : 0) + (s.isoName[c.id] as string).length;
      if (l > MAX_ISO9660_PATH_LENGTH) {
        if (s.options.strictIso9660) {
          throw new IsoKitError(ErrorCode.UNSUPPORTED, `${pathOf(c)}: its ISO 9660 path is ${l} characters; ECMA-119 allows ${MAX_ISO9660_PATH_LENGTH} (shorten it, or build without strict ISO 9660)`);
        }
        if (!count++) {
          first = pathOf(c);
          firstLength = l;
        }
      }
      if (isPlanDir(c) && s.isDirRecord(c)) queue.push({ d: c, len: l });
    }
  }
  if (count) {
    s.tree.findings.warn(FindingCode.ISO9660_PATH_TOO_LONG, `${count} ISO 9660 path(s) exceed ${MAX_ISO9660_PATH_LENGTH} characters (ECMA-119 6.8.2.1), e.g. ${first} (${firstLength}); Rock Ridge and Joliet readers are not affected`, undefined, 'ISO 9660');
  }
}
