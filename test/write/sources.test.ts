/**
 * Write sources and file targets: plain, .gz/.xz/.zst/.bz2 (streamed, size hints), http URLs (on-the-fly
 * digest, interrupted download), corrupt input; read-back verification finds changed bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync, statSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { needTools, sh, tmpDir } from '../helpers/index.js';
import { writeImage, openImageReader, writeToTargets } from '../../src/node/write/index.js';
import { isIsoKitError } from '../../src/errors/index.js';
import { makeIso, noise, serve, sha256Of } from './helpers.js';

const IMAGE_BYTES = 5 * 1048576 + 4096 + 123; // not a multiple of the chunk, page or sector size

test('plain image → new file target and a larger existing file: equal bytes, verified, truncated', async () => {
  const { dir, cleanup } = tmpDir('write-plain');
  try {
    const img = path.join(dir, 'disk.img');
    writeFileSync(img, noise(IMAGE_BYTES, 7));
    const fresh = path.join(dir, 'out-new.img');
    const old = path.join(dir, 'out-old.img');
    writeFileSync(old, noise(IMAGE_BYTES * 2, 99));
    const s = await writeImage({ image: img, targets: [fresh, old], yes: true, mode: 'raw' });
    assert.equal(s.ok, true, JSON.stringify(s.targets));
    assert.equal(s.imageByteLength, IMAGE_BYTES);
    for (const t of s.targets) {
      assert.equal(t.verified, true);
      assert.equal(t.verifyMethod, 'compare');
      assert.equal(statSync(t.path).size, IMAGE_BYTES);
      assert.equal(sha256Of(t.path, IMAGE_BYTES), sha256Of(img, IMAGE_BYTES));
    }
  } finally {
    cleanup();
  }
});

test('compressed sources stream and decompress: gzip, xz, zstd, bzip2 (with size hints)', async (t) => {
  if (!needTools(t, 'gzip', 'xz', 'zstd', 'bzip2')) return;
  const { dir, cleanup } = tmpDir('write-comp');
  try {
    const img = path.join(dir, 'disk.img');
    const raw = noise(IMAGE_BYTES, 3);
    raw.fill(0, 1048576, 3 * 1048576); // some compressible stretch
    writeFileSync(img, raw);
    const want = sha256Of(img, IMAGE_BYTES);
    const cases: [string, string[], string, boolean | undefined][] = [
      ['gz', ['gzip', '-k', '-f'], 'gzip ISIZE', false],
      ['xz', ['xz', '-k', '-f', '-T1'], 'xz index', true],
      ['zst', ['zstd', '-q', '-f', '-k'], 'zstd frame header', false],
      ['bz2', ['bzip2', '-k', '-f'], '', undefined],
    ];
    for (const [ext, cmd, how, exact] of cases) {
      sh(cmd[0] as string, [...cmd.slice(1), img]);
      const src = `${img}.${ext}`;
      const reader = await openImageReader(src);
      if (how) {
        assert.equal(reader.info.byteLength, IMAGE_BYTES, `${ext} size hint`);
        assert.match(reader.info.sizeHow ?? '', new RegExp(how));
        assert.equal(reader.info.byteLengthExact, exact);
      } else assert.equal(reader.info.byteLength, undefined);
      await reader.close();
      const out = path.join(dir, `out-${ext}.img`);
      const s = await writeImage({ image: src, targets: [out], yes: true, mode: 'raw' });
      assert.equal(s.ok, true, `${ext}: ${JSON.stringify(s.targets)}`);
      assert.equal(s.targets[0]?.verifyMethod, 'digest');
      assert.equal(sha256Of(out, IMAGE_BYTES + 10), want, ext);
    }
  } finally {
    cleanup();
  }
});

test('a corrupt .xz source fails with one clear CORRUPT error', async (t) => {
  if (!needTools(t, 'xz')) return;
  const { dir, cleanup } = tmpDir('write-badxz');
  try {
    const img = path.join(dir, 'disk.img');
    writeFileSync(img, noise(3 * 1048576, 5));
    sh('xz', ['-k', '-f', '-T1', img]);
    const xz = `${img}.xz`;
    const fd = openSync(xz, 'r+');
    writeSync(fd, new Uint8Array(64).fill(0x55), 0, 64, Math.floor(statSync(xz).size / 2));
    closeSync(fd);
    const out = path.join(dir, 'out.img');
    await assert.rejects(writeImage({ image: xz, targets: [out], yes: true, mode: 'raw' }), (e: unknown) => {
      assert.ok(isIsoKitError(e), String(e));
      assert.equal(e.code, 'CORRUPT');
      assert.match(e.message, /^xz data is corrupt or truncated/);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  } finally {
    cleanup();
  }
});

test('read-back verification names the first differing range (compare and digest methods)', async (t) => {
  if (!needTools(t, 'gzip')) return;
  const { dir, cleanup } = tmpDir('write-verify');
  try {
    const img = path.join(dir, 'disk.img');
    writeFileSync(img, noise(IMAGE_BYTES, 11));
    sh('gzip', ['-k', '-f', img]);
    for (const [src, method, expectStart, expectLen] of [
      [img, 'compare', 3_000_001, 1],
      [`${img}.gz`, 'digest', 2 * 1048576, 1048576],
    ] as const) {
      const out = path.join(dir, `out-${method}.img`);
      const reader = await openImageReader(src);
      try {
        const { results } = await writeToTargets(reader, [out], {
          beforeVerify: async () => {
            const fd = openSync(out, 'r+');
            const b = Buffer.alloc(1);
            b[0] = (readFileSync(out)[3_000_001] as number) ^ 0xff;
            writeSync(fd, b, 0, 1, 3_000_001);
            closeSync(fd);
          },
        });
        const r = results[0]!;
        assert.equal(r.ok, false);
        assert.equal(r.verified, false);
        assert.equal(r.verifyMethod, method);
        assert.deepEqual(r.mismatch, { byteOffset: expectStart, byteLength: expectLen });
        assert.equal(r.error?.code, 'VERIFY_FAILED');
        assert.match(r.error?.message ?? '', new RegExp(`bytes ${expectStart}–${expectStart + expectLen - 1}`));
      } finally {
        await reader.close();
      }
    }
  } finally {
    cleanup();
  }
});

test('http URL: streamed write with the digest checked on the fly; wrong digest keeps the first MiB unwritten', async () => {
  const { dir, cleanup } = tmpDir('write-url');
  const body = noise(IMAGE_BYTES, 21);
  const server = await serve(body);
  try {
    const digest = createHash('sha256').update(body).digest('hex');
    const good = path.join(dir, 'good.img');
    const s = await writeImage({ image: server.url, targets: [good], yes: true, mode: 'raw', expect: `sha256:${digest}` });
    assert.equal(s.ok, true, JSON.stringify(s.targets));
    assert.equal(s.source.kind, 'url');
    assert.equal(s.source.byteLength, IMAGE_BYTES);
    assert.equal(sha256Of(good, IMAGE_BYTES + 1), digest);

    const bad = path.join(dir, 'bad.img');
    const wrong = digest.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    await assert.rejects(writeImage({ image: server.url, targets: [bad], yes: true, mode: 'raw', expect: wrong }), (e: unknown) => {
      assert.ok(isIsoKitError(e));
      assert.equal(e.code, 'VERIFY_FAILED');
      assert.match(e.message, /sha256 mismatch/);
      return true;
    });
    // the first MiB (partition table area) was zeroed and never written
    const head = readFileSync(bad).subarray(0, 1048576);
    assert.ok(head.every((b) => b === 0), 'first MiB must stay zero after a digest mismatch');
  } finally {
    await server.close();
    cleanup();
  }
});

test('an interrupted download fails with a clear HTTP error', async () => {
  const { dir, cleanup } = tmpDir('write-drop');
  const server = await serve(noise(IMAGE_BYTES, 22), { dropAfter: 2 * 1048576 + 5 });
  try {
    await assert.rejects(writeImage({ image: server.url, targets: [path.join(dir, 'out.img')], yes: true, mode: 'raw' }), (e: unknown) => {
      assert.ok(isIsoKitError(e), String(e));
      assert.equal(e.code, 'HTTP');
      assert.match(e.message, new RegExp(`download (interrupted|ended) after \\d+ (bytes )?of ${IMAGE_BYTES}`));
      return true;
    });
  } finally {
    await server.close();
    cleanup();
  }
});

test('--mode auto: data ISO warns, El-Torito-only ISO stops, --mode raw writes it anyway', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('write-auto');
  try {
    const data = makeIso(dir, 'plain', 200_000);
    const messages: string[] = [];
    const s = await writeImage({ image: data, targets: [path.join(dir, 'a.img')], yes: true, onMessage: (l, m) => messages.push(`${l}: ${m}`) });
    assert.equal(s.inspection.kind, 'data-iso');
    assert.ok(messages.some((m) => /^warn: plain data ISO.*not be bootable/.test(m)), messages.join('\n'));

    // El Torito (no-emulation boot image) without any MBR/GPT: the Windows-install-media shape
    const tree = path.join(dir, 'et-tree');
    sh('mkdir', ['-p', path.join(tree, 'boot')]);
    writeFileSync(path.join(tree, 'boot', 'etfsboot.com'), noise(4096, 3));
    const et = path.join(dir, 'et.iso');
    sh('xorriso', ['-as', 'mkisofs', '-o', et, '-b', 'boot/etfsboot.com', '-no-emul-boot', '-boot-load-size', '4', tree], { stdio: 'pipe' });
    const target = path.join(dir, 'b.img');
    await assert.rejects(writeImage({ image: et, targets: [target], yes: true }), (e: unknown) => {
      assert.ok(isIsoKitError(e));
      assert.equal(e.code, 'UNSUPPORTED');
      assert.match(e.message, /El Torito/);
      assert.match(e.message, /FAT32/);
      assert.match(e.message, /not recognised as one/);
      return true;
    });
    assert.throws(() => statSync(target), /ENOENT/, 'nothing may be written when auto mode stops');
    const raw = await writeImage({ image: et, targets: [target], yes: true, mode: 'raw' });
    assert.equal(raw.ok, true);
    assert.equal(raw.inspection.kind, 'eltorito-only-iso');
  } finally {
    cleanup();
  }
});

test('integrity first: a checksum file beside the image that does not match stops the write', async () => {
  const { dir, cleanup } = tmpDir('write-sums');
  try {
    const img = path.join(dir, 'disk.img');
    writeFileSync(img, noise(300_000, 8));
    const digest = createHash('sha256').update(readFileSync(img)).digest('hex');
    writeFileSync(path.join(dir, 'SHA256SUMS'), `${digest.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))}  disk.img\n`);
    const target = path.join(dir, 'out.img');
    await assert.rejects(writeImage({ image: img, targets: [target], yes: true, mode: 'raw' }), (e: unknown) => {
      assert.ok(isIsoKitError(e));
      assert.equal(e.code, 'VERIFY_FAILED');
      assert.match(e.message, /CHECKSUM MISMATCH.*SHA256SUMS.*--force/);
      return true;
    });
    assert.throws(() => statSync(target), /ENOENT/);
    writeFileSync(path.join(dir, 'SHA256SUMS'), `${digest}  disk.img\n`);
    const ok = await writeImage({ image: img, targets: [target], yes: true, mode: 'raw' });
    assert.equal(ok.integrity.status, 'matches-unsigned');
    assert.equal(ok.ok, true);
    copyFileSync(img, path.join(dir, 'copy.img'));
  } finally {
    cleanup();
  }
});

test('no confirmation: without --yes and without a prompt nothing is written', async () => {
  const { dir, cleanup } = tmpDir('write-noyes');
  try {
    const img = path.join(dir, 'disk.img');
    writeFileSync(img, noise(100_000, 2));
    const target = path.join(dir, 'out.img');
    await assert.rejects(writeImage({ image: img, targets: [target] }), /pass --yes/);
    assert.throws(() => statSync(target), /ENOENT/);
  } finally {
    cleanup();
  }
});
