/**
 * Create an image in `isokit ui`: folders, label, the exact size before writing (it must be the written file's
 * size), progress, the verification the page reports; the image is then read back with xorriso (files, bytes,
 * label). A second image with boot options (ISOLINUX + isohybrid MBR) is described by xorriso as BIOS-bootable
 * from CD and stick. UDF is offered (this build writes it): the first image has it, and 7-Zip reads its UDF tree.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { IN_CI } from '../../helpers/index.js';
import { choosePath, shot, uiSuite } from './fixtures.js';

const P = 'create';
const s = uiSuite('e2e-create', ['xorriso', '7zz'], async (dir) => {
  mkdirSync(path.join(dir, 'photos', 'summer 2024'), { recursive: true });
  mkdirSync(path.join(dir, 'notes'));
  mkdirSync(path.join(dir, 'out'));
  writeFileSync(path.join(dir, 'photos', 'summer 2024', 'beach.jpg'), Uint8Array.from({ length: 250_000 }, (_, i) => (i * 31 + 7) & 255));
  writeFileSync(path.join(dir, 'photos', 'index.html'), '<h1>photos</h1>\n');
  writeFileSync(path.join(dir, 'notes', 'Überblick.txt'), 'Grüße\n');
});

test('create from two folders: exact size first, then written, verified, and read back by xorriso', async ({ page }) => {
  await page.goto(s.ui.url);
  await page.getByRole('link', { name: 'Create an image' }).click();
  await choosePath(page, 'create-add', s.dir, 'photos', 'folder', false);
  await choosePath(page, 'create-add', s.dir, 'notes', 'folder', false);
  await expect(page.locator('.sources li')).toHaveCount(2);
  await page.getByLabel('Label (volume name)').fill('HOLIDAY_2024');
  const udf = page.getByRole('checkbox', { name: 'UDF', exact: true });
  await expect(udf).toBeEnabled();
  await udf.check();
  await page.getByRole('button', { name: 'Calculate the exact size' }).click();
  const size = page.locator('.size[data-bytes]');
  await expect(size).toContainText('3 files, 1 folder');
  const planned = Number(await size.getAttribute('data-bytes'));
  await shot(page, P, 'planned');
  await choosePath(page, 'create-out', s.dir, 'out', 'folder');
  await page.getByLabel('File name').fill('holiday.iso');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page.getByText('Created and verified.')).toBeVisible({ timeout: 60_000 });
  await shot(page, P, 'created');
  const iso = path.join(s.dir, 'out', 'holiday.iso');
  expect(statSync(iso).size).toBe(planned);
  await expect(page.locator('.digest')).toHaveText(execFileSync('sha256sum', [iso]).toString().split(' ')[0] as string);

  const x = path.join(s.dir, 'xorriso-out');
  execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', x], { stdio: 'pipe' });
  expect(readFileSync(path.join(x, 'summer 2024', 'beach.jpg')).equals(readFileSync(path.join(s.dir, 'photos', 'summer 2024', 'beach.jpg')))).toBe(true);
  expect(readFileSync(path.join(x, 'Überblick.txt'), 'utf8')).toBe('Grüße\n');
  expect(readFileSync(path.join(x, 'index.html'), 'utf8')).toBe('<h1>photos</h1>\n');
  expect(execFileSync('xorriso', ['-indev', iso, '-pvd_info'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString()).toMatch(/Volume Id\s*:\s*HOLIDAY_2024/);
  // UDF was asked for: 7-Zip reads the same files from the UDF tree
  const u = path.join(s.dir, '7z-udf-out');
  execFileSync('7zz', ['x', '-y', '-tudf', `-o${u}`, iso], { stdio: 'pipe' });
  expect(readFileSync(path.join(u, 'summer 2024', 'beach.jpg')).equals(readFileSync(path.join(s.dir, 'photos', 'summer 2024', 'beach.jpg')))).toBe(true);
  expect(readFileSync(path.join(u, 'Überblick.txt'), 'utf8')).toBe('Grüße\n');
});

test('create a bootable hybrid image with the boot options: xorriso reports the El Torito entry and the isohybrid MBR', async ({ page }) => {
  const isolinux = '/usr/lib/ISOLINUX/isolinux.bin';
  const mbr = '/usr/lib/ISOLINUX/isohdpfx.bin';
  if (!existsSync(isolinux) || !existsSync(mbr)) {
    if (IN_CI) throw new Error('isolinux missing under CI (Debian isolinux)');
    test.skip(true, 'needs isolinux');
  }
  const tree = path.join(s.dir, 'bootable');
  mkdirSync(path.join(tree, 'isolinux'), { recursive: true });
  copyFileSync(isolinux, path.join(tree, 'isolinux', 'isolinux.bin'));
  writeFileSync(path.join(tree, 'isolinux', 'isolinux.cfg'), 'default none\n');
  copyFileSync(mbr, path.join(s.dir, 'isohdpfx.bin'));
  await page.goto(s.ui.url);
  await page.getByRole('link', { name: 'Create an image' }).click();
  await choosePath(page, 'create-add', s.dir, 'bootable', 'folder', false);
  await page.getByText('Boot options').click();
  await page.getByLabel('BIOS boot image (path in the image)').fill('isolinux/isolinux.bin');
  await choosePath(page, 'create-mbr', s.dir, 'isohdpfx.bin', 'file');
  await page.getByRole('button', { name: 'Calculate the exact size' }).click();
  await expect(page.locator('.size[data-bytes]')).toBeVisible();
  await choosePath(page, 'create-out', s.dir, 'out', 'folder');
  await page.getByLabel('File name').fill('boot.iso');
  await shot(page, P, 'boot-options');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page.getByText('Created and verified.')).toBeVisible({ timeout: 60_000 });
  const iso = path.join(s.dir, 'out', 'boot.iso');
  const report = execFileSync('xorriso', ['-indev', iso, '-report_el_torito', 'plain', '-report_system_area', 'plain'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  expect(report).toMatch(/El Torito boot img :\s+1\s+BIOS\s+y\s+none/);
  expect(report).toMatch(/El Torito img path :\s+1\s+\/isolinux\/isolinux\.bin/);
  expect(report).toMatch(/System area summary: MBR isohybrid/);
});
