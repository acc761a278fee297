/**
 * The confirmation prompt on a real terminal: `script` (util-linux) gives isokit a pty; the answer is typed
 * into it. "no" leaves the target untouched; the target's name or "yes" writes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, needTools, runCli, tmpDir } from '../helpers/index.js';

function typeInto(args: string[], answer: string): { status: number; output: string } {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { input: answer, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TERM: 'dumb' } });
  return { status: r.status ?? -1, output: (r.stdout ?? '') + (r.stderr ?? '') };
}

test('write asks on a terminal: "no" keeps the target, its name or "yes" writes it', (t) => {
  if (!needTools(t, 'script')) return;
  const { dir, cleanup } = tmpDir('tty');
  try {
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src', 'hello.txt'), 'hello');
    const image = path.join(dir, 'data.iso');
    assert.equal(runCli(['create', path.join(dir, 'src'), '-o', image]).status, 0);
    const target = path.join(dir, 'stick.img');
    const before = new Uint8Array(4 << 20).fill(0xa5);
    writeFileSync(target, before);

    const no = typeInto(['write', image, target, '--no-verify'], 'no\n');
    assert.equal(no.status, 1, no.output);
    assert.match(no.output, /not confirmed: nothing was written/);
    assert.match(no.output, /ALL DATA ON THESE TARGETS WILL BE ERASED/);
    assert.match(no.output, /stick\.img/);
    assert.deepEqual(new Uint8Array(readFileSync(target)), before, 'answering no writes nothing');

    const yes = typeInto(['write', image, target], 'yes\n');
    assert.equal(yes.status, 0, yes.output);
    const img = new Uint8Array(readFileSync(image));
    assert.deepEqual(new Uint8Array(readFileSync(target)).subarray(0, img.length), img, 'the image was written after "yes"');

    writeFileSync(target, before);
    const byName = typeInto(['write', image, target], `${target}\n`);
    assert.equal(byName.status, 0, byName.output);
    assert.deepEqual(new Uint8Array(readFileSync(target)).subarray(0, img.length), img, 'typing the target name also confirms');
  } finally {
    cleanup();
  }
});
