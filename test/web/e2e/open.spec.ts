/**
 * Open an image in `isokit ui` (an xorriso image, so the reader is checked against another producer): info,
 * the tree per namespace, a text preview, a download, extracting the chosen files and everything, hashes
 * (against sha256sum), verification against a gpg-signed SHA256SUMS with the publisher's key, the check.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { choosePath, shot, uiSuite } from './fixtures.js';

const P = 'open';
const s = uiSuite('e2e-open', ['xorriso', 'gpg', 'sha256sum'], async (dir) => {
  const src = path.join(dir, 'src');
  mkdirSync(path.join(src, 'docs', 'more'), { recursive: true });
  writeFileSync(path.join(src, 'README.txt'), 'Read me first.\nSecond line.\n');
  writeFileSync(path.join(src, 'docs', 'Guide With Spaces.md'), '# Guide\n');
  writeFileSync(path.join(src, 'docs', 'more', 'numbers.bin'), Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 255));
  const rel = path.join(dir, 'release');
  mkdirSync(rel);
  execFileSync('xorriso', ['-as', 'mkisofs', '-R', '-J', '-V', 'OPEN_ME', '-o', path.join(rel, 'open-me.iso'), src], { stdio: 'pipe' });
  const home = path.join(dir, 'gnupg');
  mkdirSync(home, { mode: 0o700 });
  const gpg = (args: string[]) => execFileSync('gpg', ['--homedir', home, '--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  gpg(['--quick-gen-key', 'Release <release@example.org>', 'ed25519', 'sign', 'never']);
  writeFileSync(path.join(dir, 'release-key.asc'), gpg(['--armor', '--export', 'release@example.org']));
  const digest = execFileSync('sha256sum', [path.join(rel, 'open-me.iso')]).toString().split(' ')[0];
  writeFileSync(path.join(rel, 'SHA256SUMS'), `${digest}  open-me.iso\n`);
  gpg(['-u', 'release@example.org', '--output', path.join(rel, 'SHA256SUMS.gpg'), '--detach-sign', path.join(rel, 'SHA256SUMS')]);
  mkdirSync(path.join(dir, 'out-one'));
  mkdirSync(path.join(dir, 'out-all'));
});

test('open: info, namespaces, preview, download, extract, hash, verify, check', async ({ page }) => {
  await page.goto(s.ui.url);
  await page.getByRole('link', { name: 'Open an image' }).click();
  await choosePath(page, 'open-image', s.dir, 'release/open-me.iso', 'file');
  await expect(page.getByTestId('volume-id')).toHaveText('OPEN_ME');
  await expect(page.locator('.image-info')).toContainText('Rock Ridge');
  await shot(page, P, 'info-and-tree');

  const table = page.locator('.listing');
  await expect(table).toContainText('README.txt');
  await page.getByText('ISO 9660', { exact: true }).click();
  await expect(table).toContainText('README.TXT');
  await page.getByText('Joliet', { exact: true }).click();
  await expect(table).toContainText('README.txt');
  await page.getByText('Rock Ridge', { exact: true }).click();

  await page.getByRole('button', { name: 'README.txt' }).click();
  await expect(page.locator('pre.text')).toHaveText('Read me first.\nSecond line.\n');
  await shot(page, P, 'preview');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('.preview').getByRole('link', { name: 'Download' }).click()]);
  expect(dl.suggestedFilename()).toBe('README.txt');
  expect(readFileSync(await dl.path()).toString()).toBe('Read me first.\nSecond line.\n');

  await page.getByRole('button', { name: 'docs/' }).click();
  await page.getByRole('button', { name: 'more/' }).click();
  await page.getByRole('checkbox', { name: 'Select numbers.bin' }).check();
  await page.locator('.crumbs').getByRole('button', { name: 'docs' }).click();
  await page.getByRole('checkbox', { name: 'Select Guide With Spaces.md' }).check();
  await choosePath(page, 'extract-dest', s.dir, 'out-one', 'folder');
  await page.getByRole('button', { name: 'Extract the 2 chosen' }).click();
  await expect(page.locator('.extract [role=status]')).toContainText('Extracted 2 files');
  expect(readFileSync(path.join(s.dir, 'out-one/docs/more/numbers.bin')).equals(readFileSync(path.join(s.dir, 'src/docs/more/numbers.bin')))).toBe(true);
  expect(readFileSync(path.join(s.dir, 'out-one/docs/Guide With Spaces.md'), 'utf8')).toBe('# Guide\n');
  await shot(page, P, 'extract-chosen');
  await choosePath(page, 'extract-dest', s.dir, 'out-all', 'folder');
  await page.getByRole('button', { name: 'Extract everything' }).click();
  await expect(page.locator('.extract [role=status]')).toContainText('Extracted 3 files');
  expect(readFileSync(path.join(s.dir, 'out-all/README.txt'), 'utf8')).toBe('Read me first.\nSecond line.\n');

  await page.getByRole('checkbox', { name: 'MD5' }).check();
  await page.getByRole('button', { name: 'Compute' }).click();
  const sha = execFileSync('sha256sum', [path.join(s.dir, 'release/open-me.iso')]).toString().split(' ')[0] as string;
  await expect(page.locator('[data-algo=sha256]')).toHaveText(sha);
  await expect(page.locator('[data-algo=md5]')).toHaveText(execFileSync('md5sum', [path.join(s.dir, 'release/open-me.iso')]).toString().split(' ')[0] as string);
  await shot(page, P, 'hash');

  await choosePath(page, 'verify-keyring', s.dir, 'release-key.asc', 'file');
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page.locator('[data-status]').first()).toHaveAttribute('data-status', 'verified-signed');
  await shot(page, P, 'verify-signed');

  await page.getByRole('button', { name: 'Check the structure' }).click();
  await expect(page.locator('.tools [data-ok]')).toHaveAttribute('data-ok', 'true');
  await expect(page.locator('.tools [data-ok]')).toContainText('No errors');
  await shot(page, P, 'check');
});
