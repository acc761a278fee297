/**
 * Burn and rip in `isokit ui`. With the library's optical calls in the build (`burnImage`, `ripImage`,
 * `listOpticalDrives`), a burn goes to a libburn `stdio:` pseudo-drive (a file) and is verified, and a rip copies
 * an image file with its bad-sector summary; the bytes are compared here. Without them, each page says in one
 * sentence that this build cannot do it — nothing is pretended.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { choosePath, shot, uiSuite } from './fixtures.js';

const P = 'optical';
const s = uiSuite('e2e-optical', ['xorriso'], async (dir) => {
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src', 'disc.txt'), 'on a disc\n');
  writeFileSync(path.join(dir, 'src', 'fill.bin'), Uint8Array.from({ length: 600_000 }, (_, i) => (i * 5) & 255));
  execFileSync('xorriso', ['-as', 'mkisofs', '-R', '-V', 'TO_BURN', '-o', path.join(dir, 'burn-me.iso'), path.join(dir, 'src')], { stdio: 'pipe' });
  mkdirSync(path.join(dir, 'out'));
});

async function capabilities(page: Page): Promise<{ burn: boolean; rip: boolean; opticalDrives: boolean }> {
  return page.evaluate(async () => ((await (await fetch('/api/session', { headers: { 'X-Isokit': '1' } })).json()) as { capabilities: { burn: boolean; rip: boolean; opticalDrives: boolean } }).capabilities);
}

test('burn to a stdio: pseudo-drive with verification', async ({ page }) => {
  await page.goto(s.ui.url);
  expect(await capabilities(page)).toEqual(expect.objectContaining({ burn: true, rip: true, opticalDrives: true }));
  await page.getByRole('link', { name: 'Burn a disc' }).click();
  await choosePath(page, 'burn-image', s.dir, 'burn-me.iso', 'file');
  const disc = path.join(s.dir, 'out', 'disc.img');
  await page.getByLabel(/^Or a file as a pseudo-drive/).fill(disc);
  await expect(page.getByLabel('Speed')).toHaveValue('safe');
  await page.getByLabel('Type disc.img to confirm').fill('disc.img');
  await shot(page, P, 'burn-ready');
  await page.getByRole('button', { name: 'Burn', exact: true }).click();
  await expect(page.getByText('Burned and verified.')).toBeVisible({ timeout: 120_000 });
  await shot(page, P, 'burned');
  const size = statSync(path.join(s.dir, 'burn-me.iso')).size;
  expect(readFileSync(disc).subarray(0, size).equals(readFileSync(path.join(s.dir, 'burn-me.iso')))).toBe(true);
});

test('rip an image file with the bad-sector summary', async ({ page }) => {
  await page.goto(s.ui.url);
  expect((await capabilities(page)).rip).toBe(true);
  await page.getByRole('link', { name: 'Rip a disc' }).click();
  await choosePath(page, 'rip-file', s.dir, 'burn-me.iso', 'file');
  await choosePath(page, 'rip-out', s.dir, 'out', 'folder');
  await page.getByLabel('File name').fill('ripped.iso');
  await page.getByRole('button', { name: 'Rip', exact: true }).click();
  await expect(page.getByText('Every block was read.')).toBeVisible({ timeout: 120_000 });
  await expect(page.locator('.job .facts')).toContainText('Unreadable blocks');
  await shot(page, P, 'ripped');
  expect(readFileSync(path.join(s.dir, 'out', 'ripped.iso')).equals(readFileSync(path.join(s.dir, 'burn-me.iso')))).toBe(true);
});
