/**
 * Write a stick in `isokit ui`: the image's kind (plain / hybrid / Windows-style El Torito only) and checksum
 * status, targets from the drive list (a loop device, root only) or a disk-image file, the review made by
 * `writeImage`'s dry run, the confirmation typed by name, writing and verification per target; the written
 * bytes are compared with the image here, independently of isokit's own verification.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { IN_CI } from '../../helpers/index.js';
import { choosePath, needTools, shot, uiSuite } from './fixtures.js';

const P = 'write';
const GRUB_RESCUE = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
const s = uiSuite('e2e-write', ['xorriso', 'sha256sum'], async (dir) => {
  const src = path.join(dir, 'src');
  mkdirSync(src);
  writeFileSync(path.join(src, 'hello.txt'), 'hello stick\n');
  writeFileSync(path.join(src, 'data.bin'), Uint8Array.from({ length: 1_500_000 }, (_, i) => (i * 13 + (i >> 9)) & 255));
  writeFileSync(path.join(src, 'boot.img'), Uint8Array.from({ length: 2048 }, (_, i) => (i * 3) & 255));
  mkdirSync(path.join(dir, 'images'));
  execFileSync('xorriso', ['-as', 'mkisofs', '-R', '-V', 'PLAIN', '-o', path.join(dir, 'images/plain.iso'), src], { stdio: 'pipe' });
  execFileSync('xorriso', ['-as', 'mkisofs', '-R', '-V', 'ELTORITO', '-b', 'boot.img', '-no-emul-boot', '-boot-load-size', '4', '-o', path.join(dir, 'images/cd-only.iso'), src], { stdio: 'pipe' });
  const digest = execFileSync('sha256sum', [path.join(dir, 'images/plain.iso')]).toString().split(' ')[0];
  writeFileSync(path.join(dir, 'images/SHA256SUMS'), `${digest}  plain.iso\n`);
  if (existsSync(GRUB_RESCUE)) copyFileSync(GRUB_RESCUE, path.join(dir, 'images/hybrid.iso'));
  mkdirSync(path.join(dir, 'out'));
});

async function chooseImage(page: import('@playwright/test').Page, name: string) {
  await choosePath(page, 'write-image', s.dir, `images/${name}`, 'file');
}

test('image kinds and checksum status are shown before anything is chosen', async ({ page }) => {
  await page.goto(s.ui.url);
  await chooseImage(page, 'plain.iso');
  await expect(page.locator('[data-kind]')).toHaveAttribute('data-kind', 'data-iso');
  await expect(page.locator('.facts')).toContainText('Plain data ISO');
  await expect(page.locator('.facts')).toContainText('SHA256SUMS — checked in the review');
  await shot(page, P, 'image-plain');
  await chooseImage(page, 'cd-only.iso');
  await expect(page.locator('[data-kind]')).toHaveAttribute('data-kind', 'eltorito-only-iso');
  await expect(page.locator('.facts')).toContainText('Windows-style install media');
  const caps = await page.evaluate(async () => ((await (await fetch('/api/session', { headers: { 'X-Isokit': '1' } })).json()) as { capabilities: { windowsStick: boolean } }).capabilities);
  await expect(page.locator('.facts')).toContainText(caps.windowsStick ? 'no UDF file system, so not Windows install media' : 'cannot make a Windows USB stick yet');
  // the SHA256SUMS beside it is found by name (the review says it does not list this image)
  await expect(page.locator('.facts')).toContainText('SHA256SUMS — checked in the review');
  await shot(page, P, 'image-eltorito-only');
  if (existsSync(path.join(s.dir, 'images/hybrid.iso'))) {
    await chooseImage(page, 'hybrid.iso');
    await expect(page.locator('[data-kind]')).toHaveAttribute('data-kind', 'hybrid-iso');
    await expect(page.locator('.facts')).toContainText('Hybrid ISO');
    await shot(page, P, 'image-hybrid');
  } else if (IN_CI) throw new Error(`${GRUB_RESCUE} missing under CI (Debian grub-rescue-pc)`);
});

test('write to a disk-image file: review with the checksum checked, confirm by name, written and verified', async ({ page }) => {
  await page.goto(s.ui.url);
  await chooseImage(page, 'plain.iso');
  await page.getByText('Write to a disk-image file instead').click();
  await choosePath(page, 'write-file-dir', s.dir, 'out', 'folder');
  await page.getByLabel('File name').fill('stick.img');
  await page.getByRole('button', { name: 'Add this file as a target' }).click();
  await expect(page.locator('.file-target')).toContainText(path.join(s.dir, 'out/stick.img'));
  await shot(page, P, 'file-target');
  await page.getByRole('button', { name: 'Check image and targets' }).click();
  await expect(page.locator('.review')).toContainText('checksum matches (SHA256SUMS; not signed)');
  const write = page.getByRole('button', { name: 'Write', exact: true });
  await expect(write).toBeDisabled();
  await page.getByLabel('Type stick.img to confirm').fill('stick.im');
  await expect(write).toBeDisabled();
  await page.getByLabel('Type stick.img to confirm').fill('stick.img');
  await shot(page, P, 'file-review');
  await write.click();
  await expect(page.getByText('Done: every target was written and verified.')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator(`[data-target="${path.join(s.dir, 'out/stick.img')}"]`)).toContainText('verified (byte by byte)');
  await shot(page, P, 'file-written');
  expect(readFileSync(path.join(s.dir, 'out/stick.img')).equals(readFileSync(path.join(s.dir, 'images/plain.iso')))).toBe(true);
});

test('an El Torito-only (Windows-style) image: the review explains why it is not written raw', async ({ page }) => {
  await page.goto(s.ui.url);
  await chooseImage(page, 'cd-only.iso');
  await page.getByText('Write to a disk-image file instead').click();
  await choosePath(page, 'write-file-dir', s.dir, 'out', 'folder');
  await page.getByLabel('File name').fill('windows.img');
  await page.getByRole('button', { name: 'Add this file as a target' }).click();
  await page.getByRole('button', { name: 'Check image and targets' }).click();
  const err = page.locator('.job[data-state=failed] .error');
  await expect(err).toContainText('El Torito');
  await shot(page, P, 'eltorito-refused');
  expect(existsSync(path.join(s.dir, 'out/windows.img'))).toBe(false);
});

test('write a hybrid image to a loop device from the drive list, verified', async ({ page }) => {
  test.skip(process.getuid?.() !== 0 && !IN_CI, 'needs root (loop devices)');
  needTools('losetup');
  const image = existsSync(path.join(s.dir, 'images/hybrid.iso')) ? 'hybrid.iso' : 'plain.iso';
  const backing = path.join(s.dir, 'loop-backing.img');
  writeFileSync(backing, new Uint8Array(16 << 20));
  const dev = execFileSync('losetup', ['-f', '--show', backing]).toString().trim();
  const name = path.basename(dev);
  try {
    await page.goto(s.ui.url);
    await chooseImage(page, image);
    await page.getByRole('button', { name: 'Refresh the list' }).click();
    const box = page.locator(`#drive-${name}`);
    await expect(box).toBeVisible();
    await expect(page.locator(`label[for="drive-${name}"]`)).toContainText(dev);
    await box.check();
    await shot(page, P, 'loop-chosen');
    await page.getByRole('button', { name: 'Check image and targets' }).click();
    await page.getByLabel(`Type ${name} to confirm`).fill(name);
    await shot(page, P, 'loop-review');
    await page.getByRole('button', { name: 'Write', exact: true }).click();
    await expect(page.getByText('Done: every target was written and verified.')).toBeVisible({ timeout: 60_000 });
    await expect(page.locator(`[data-target="${dev}"]`)).toContainText('written (direct I/O), verified');
    await shot(page, P, 'loop-written');
    const size = statSync(path.join(s.dir, 'images', image)).size;
    expect(readFileSync(backing).subarray(0, size).equals(readFileSync(path.join(s.dir, 'images', image)))).toBe(true);
  } finally {
    execFileSync('losetup', ['-d', dev]);
  }
});
