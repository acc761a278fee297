/**
 * Boot cells for the mkisofs / xorriso / grub-mkrescue tests: run ../shared/boot/boot-check on
 * (image, firmware, as, via, marker) tuples, at most two QEMUs at once, and collect the failures' reports.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { BOOT, IN_CI, needTools, shAsync } from '../helpers/index.js';

export const BOOT_CHECK = path.join(BOOT, 'boot-check');
/** generous: UEFI boots take 4–9 s on a quiet machine, 20–30 s when it is busy */
export const BOOT_TIMEOUT_S = '120';

export type Cell = [image: string, firmware: 'bios' | 'uefi', as: 'cdrom' | 'disk' | 'usb', via: string | undefined, marker: string];

/** True when QEMU and the harness are there (skips, or fails under CI, otherwise). */
export function bootHarnessReady(t: TestContext): boolean {
  if (!needTools(t, 'qemu-system-x86_64')) return false;
  if (!existsSync(BOOT_CHECK)) {
    if (IN_CI) throw new Error('boot harness missing (../shared/boot/boot-check)');
    t.skip('boot harness missing');
    return false;
  }
  return true;
}

/** Boot the cells two at a time; returns one report per failed cell (empty = all booted). */
export async function bootCells(cells: readonly Cell[]): Promise<string[]> {
  const failures: string[] = [];
  for (let i = 0; i < cells.length; i += 2) {
    const pair = cells.slice(i, i + 2);
    const results = await Promise.all(pair.map(([img, fw, as, via, marker]) =>
      shAsync(BOOT_CHECK, [img, '--firmware', fw, '--as', as, ...(via ? ['--via', via] : []), '--expect', marker, '--timeout', BOOT_TIMEOUT_S])));
    results.forEach((r, k) => {
      const [img, fw, as, via] = pair[k] as Cell;
      if (r.code !== 0) failures.push(`${path.basename(img)} ${fw}/${as}${via ? ` via ${via}` : ''}: exit ${r.code}\n${r.output}`);
    });
  }
  return failures;
}
