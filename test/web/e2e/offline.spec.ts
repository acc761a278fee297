/**
 * The browser-only page (dist/web/offline.html), opened as a file — no server:
 * - a 4.5 GiB ISO (sparse on disk) opens without memory growth, its files list, a file stored past 4 GiB
 *   previews and downloads with its bytes;
 * - verification in the worker: a SHA-256 typed in, a gpg-signed SHA256SUMS with the publisher's key;
 * - an ISO built from a chosen folder, saved by download (a Blob composed of the layout's runs), and — served by
 *   `isokit ui` — from a dropped folder (a real drop, through CDP), streamed through the File System Access API:
 *   xorriso reads each saved image back with the folder's files. Dropped on the page opened as a file, a folder
 *   cannot be read (Chromium): the page says what to do instead.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { imageRuns, planImage } from '../../../src/create/index.js';
import { bytesContent, type Content, type TreeNode } from '../../../src/model/index.js';
import { WEB, shot, treeRss, uiSuite } from './fixtures.js';

const P = 'offline';
const BIG = 4.5 * 2 ** 30;
const AFTER = 'stored after the 4.5 GiB file, past 4 GiB\n';

/** A 4.5 GiB image written sparsely: the runs isokit generates are written, the big file's run stays a hole. */
async function sparseIso(file: string): Promise<number> {
  const never: Content = { byteLength: BIG, stream: () => { throw new Error('not read'); } };
  const t = 1_700_000_000_000;
  const tree: TreeNode = { name: '', kind: 'dir', size: 0, mode: 0o40755, mtimeMs: t, children: [
    { name: 'README.txt', kind: 'file', size: 6, content: bytesContent(new TextEncoder().encode('sparse')), mode: 0o100644, mtimeMs: t },
    { name: 'huge.img', kind: 'file', size: BIG, content: never, mode: 0o100644, mtimeMs: t },
    { name: 'zz-after.txt', kind: 'file', size: AFTER.length, content: bytesContent(new TextEncoder().encode(AFTER)), mode: 0o100644, mtimeMs: t },
  ] };
  const layout = planImage(tree, { volumeId: 'SPARSE_BIG', dateMs: t });
  const fd = openSync(file, 'w');
  try {
    for await (const r of imageRuns(layout)) {
      if (r.kind === 'bytes') writeSync(fd, r.bytes, 0, r.bytes.length, r.byteOffset);
      else if (r.kind === 'content' && r.content !== never) {
        let at = r.byteOffset;
        for await (const c of r.content.stream()) {
          writeSync(fd, c, 0, c.length, at);
          at += c.length;
        }
      }
    }
    ftruncateSync(fd, layout.byteLength);
  } finally {
    closeSync(fd);
  }
  return layout.byteLength;
}

const s = uiSuite('e2e-offline', ['xorriso', 'gpg', 'sha256sum'], async (dir) => {
  const src = path.join(dir, 'folder');
  mkdirSync(path.join(src, 'sub', 'deeper'), { recursive: true });
  writeFileSync(path.join(src, 'top.txt'), 'top level\n');
  writeFileSync(path.join(src, 'sub', 'data.bin'), Uint8Array.from({ length: 700_001 }, (_, i) => (i * 11 + (i >> 8)) & 255));
  writeFileSync(path.join(src, 'sub', 'deeper', 'note.md'), '# deep\n');
  execFileSync('xorriso', ['-as', 'mkisofs', '-R', '-J', '-V', 'SMALL', '-o', path.join(dir, 'small.iso'), src], { stdio: 'pipe' });
});

const offlineUrl = () => `file://${path.join(WEB, 'offline.html')}`;

/** The page's JS heap after a garbage collection (CDP) and the resident memory of every browser process. */
async function memory(page: Page): Promise<{ heap: number; rss: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return { heap: usedSize, rss: treeRss() };
}

test('a 4.5 GiB ISO opens from a file:// page without memory growth; a file past 4 GiB previews and downloads', async ({ page }) => {
  const big = path.join(s.dir, 'big.iso');
  const byteLength = await sparseIso(big);
  expect(byteLength).toBeGreaterThan(BIG);
  expect(statSync(big).blocks * 512).toBeLessThan(16 << 20);
  expect(execFileSync('xorriso', ['-indev', big, '-find', '/', '-name', 'zz-after.txt'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString()).toContain('zz-after.txt');

  await page.goto(offlineUrl());
  // the same steps on a small image first, so that what is measured is what the big image's size costs
  await page.getByLabel(/^Image file/).setInputFiles(path.join(s.dir, 'small.iso'));
  await page.getByRole('button', { name: 'top.txt' }).click();
  await expect(page.locator('pre.text')).toHaveText('top level\n');
  const before = await memory(page);
  await page.getByLabel(/^Image file/).setInputFiles(big);
  await expect(page.getByTestId('volume-id')).toHaveText('SPARSE_BIG');
  await expect(page.locator('.listing')).toContainText('huge.img');
  await expect(page.locator('.listing')).toContainText('4.50 GiB');
  await page.getByRole('button', { name: 'zz-after.txt' }).click();
  await expect(page.locator('pre.text')).toHaveText(AFTER);
  const after = await memory(page);
  await shot(page, P, 'big-iso-opened');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('.preview').getByRole('button', { name: 'Download' }).click()]);
  expect(readFileSync(await dl.path()).toString()).toBe(AFTER);
  const grew = { heapMiB: (after.heap - before.heap) / 2 ** 20, rssMiB: (after.rss - before.rss) / 2 ** 20 };
  console.log(`memory growth opening a ${(byteLength / 2 ** 30).toFixed(2)} GiB image: JS heap ${grew.heapMiB.toFixed(1)} MiB, browser RSS ${grew.rssMiB.toFixed(1)} MiB`);
  expect(grew.heapMiB).toBeLessThan(8);
  expect(grew.rssMiB).toBeLessThan(48);
});

test('verify in the worker from a file:// page: a typed SHA-256, then a gpg-signed SHA256SUMS with the key', async ({ page }) => {
  const iso = path.join(s.dir, 'small.iso');
  const sha = execFileSync('sha256sum', [iso]).toString().split(' ')[0] as string;
  const home = path.join(s.dir, 'gnupg');
  mkdirSync(home, { mode: 0o700 });
  const gpg = (args: string[]) => execFileSync('gpg', ['--homedir', home, '--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  gpg(['--quick-gen-key', 'Release <release@example.org>', 'ed25519', 'sign', 'never']);
  writeFileSync(path.join(s.dir, 'key.asc'), gpg(['--armor', '--export', 'release@example.org']));
  writeFileSync(path.join(s.dir, 'SHA256SUMS'), `${sha}  small.iso\n`);
  gpg(['-u', 'release@example.org', '--output', path.join(s.dir, 'SHA256SUMS.gpg'), '--detach-sign', path.join(s.dir, 'SHA256SUMS')]);

  await page.goto(offlineUrl());
  await page.getByLabel(/^Image file/).setInputFiles(iso);
  await expect(page.getByTestId('volume-id')).toHaveText('SMALL');
  await page.getByLabel(/^Expected SHA-256/).fill(sha);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page.locator('.verdict')).toHaveAttribute('data-status', 'matches-unsigned');
  await page.getByLabel(/^Expected SHA-256/).fill(sha.replace(/^./, (c) => (c === '0' ? '1' : '0')));
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page.locator('.verdict')).toHaveAttribute('data-status', 'mismatch');
  await page.getByLabel(/^Expected SHA-256/).fill('');
  await page.getByLabel(/^Or a checksum file/).setInputFiles(path.join(s.dir, 'SHA256SUMS'));
  await page.getByLabel(/^Its signature/).setInputFiles(path.join(s.dir, 'SHA256SUMS.gpg'));
  await page.getByLabel(/public key/).setInputFiles(path.join(s.dir, 'key.asc'));
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page.locator('.verdict')).toHaveAttribute('data-status', 'verified-signed');
  await expect(page.locator('.verdict')).toContainText('Release <release@example.org>');
  await shot(page, P, 'verified-signed');
});

/** Save the built image by download and return its path. */
async function download(page: Page, name: string): Promise<string> {
  await page.getByLabel('File name').fill(name);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
  const out = path.join(s.dir, name);
  await dl.saveAs(out);
  return out;
}

function xorrisoExtract(iso: string, into: string): void {
  execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', into], { stdio: 'pipe' });
}

test('build an ISO from a chosen folder; the download reads back in xorriso; a folder dropped on the file page is explained', async ({ page }) => {
  await page.goto(offlineUrl());
  await page.locator('#offline-folder').setInputFiles(path.join(s.dir, 'folder'));
  await page.getByLabel('Label (volume name)').fill('FROM_BROWSER');
  const size = page.locator('.card .size[data-bytes]');
  await expect(size).toContainText('3 files, 2 folders');
  const planned = Number(await size.getAttribute('data-bytes'));
  await shot(page, P, 'build-planned');
  const iso = await download(page, 'built.iso');
  expect(statSync(iso).size).toBe(planned);
  await shot(page, P, 'build-downloaded');
  const x = path.join(s.dir, 'x-built');
  xorrisoExtract(iso, x);
  expect(readFileSync(path.join(x, 'sub', 'data.bin')).equals(readFileSync(path.join(s.dir, 'folder', 'sub', 'data.bin')))).toBe(true);
  expect(readFileSync(path.join(x, 'sub', 'deeper', 'note.md'), 'utf8')).toBe('# deep\n');
  expect(execFileSync('xorriso', ['-indev', iso, '-pvd_info'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString()).toMatch(/Volume Id\s*:\s*FROM_BROWSER/);

  // a folder dropped on a page opened from a file: Chromium does not let it read the folder; the page says what to do
  await page.getByRole('button', { name: 'Start over' }).click();
  await dropFolder(page, path.join(s.dir, 'folder'));
  await expect(page.locator('.card .error').last()).toContainText('does not let a page opened from a file read dropped folders');
  await shot(page, P, 'build-drop-on-file-page');
});

/** Drop a folder from "the desktop" onto the drop zone (CDP Input.dispatchDragEvent with the folder's path). */
async function dropFolder(page: Page, folder: string): Promise<void> {
  const box = await page.getByRole('region', { name: 'Drop files and folders here' }).boundingBox();
  if (!box) throw new Error('no drop zone');
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await page.mouse.move(at.x, at.y);
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: [folder], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
  await cdp.detach();
}

test('served by isokit ui: hashing in the worker file; a dropped folder built and streamed to a File System Access writable', async ({ page }) => {
  // the picker is browser UI a test cannot click: it hands out a real writable file in the origin's private file system
  await page.addInitScript(() => {
    (window as unknown as { showSaveFilePicker: unknown }).showSaveFilePicker = async () => (await navigator.storage.getDirectory()).getFileHandle('streamed.iso', { create: true });
  });
  await page.goto(s.ui.url);
  await page.goto(`${s.ui.base}offline.html`);
  await page.getByLabel(/^Image file/).setInputFiles(path.join(s.dir, 'small.iso'));
  await page.getByRole('button', { name: 'Only compute SHA-256' }).click();
  await expect(page.locator('[data-algo=sha256]')).toHaveText(execFileSync('sha256sum', [path.join(s.dir, 'small.iso')]).toString().split(' ')[0] as string);
  await dropFolder(page, path.join(s.dir, 'folder'));
  await expect(page.locator('.card .size[data-bytes]')).toContainText('3 files, 2 folders');
  await expect(page.locator('.picked')).toContainText('3 files');
  const planned = Number(await page.locator('.card .size[data-bytes]').getAttribute('data-bytes'));
  await page.getByRole('button', { name: 'Save…' }).click();
  await expect(page.getByText(/written as a stream/)).toBeVisible();
  await shot(page, P, 'build-streamed');
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.evaluate(async () => {
      const f = await (await (await navigator.storage.getDirectory()).getFileHandle('streamed.iso')).getFile();
      const a = document.createElement('a');
      a.href = URL.createObjectURL(f);
      a.download = 'streamed.iso';
      document.body.append(a);
      a.click();
    }),
  ]);
  const out = path.join(s.dir, 'streamed.iso');
  await dl.saveAs(out);
  expect(statSync(out).size).toBe(planned);
  const x = path.join(s.dir, 'x-streamed');
  xorrisoExtract(out, x);
  expect(readFileSync(path.join(x, 'sub', 'data.bin')).equals(readFileSync(path.join(s.dir, 'folder', 'sub', 'data.bin')))).toBe(true);
});
