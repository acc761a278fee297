/**
 * xorriso's dialog output as data, against lines recorded from real runs (xorriso 1.5.4: the research
 * notes' evidence and the transcripts in test/fixtures/optical), and the pure burn decisions: media types
 * by libburn profile name, the safe speed, the burn plan's refusals and capacity check, the argv.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { IsoKitError } from '../../src/errors/index.js';
import { mediumFromFields, parseScaledBytes, parseTocLayout, type DiscSession, type OpticalDrive } from '../../src/node/optical/drives.js';
import { chooseSpeed, mediumTypeOf, parseKbps, parseSpeedRequest, writeSpeed } from '../../src/node/optical/medium.js';
import { burnArgs, neededBytes, planBurn } from '../../src/node/optical/plan.js';
import { parseDeviceLine, parseMessage, parsePacket, parsePacifier, parseSieveAnswer, parseVersion, quoteArg } from '../../src/node/optical/xorriso-output.js';
import { layoutFromMedium } from '../../src/node/rip/disc.js';
import { ROOT } from '../helpers/index.js';

const FIX = path.join(ROOT, 'test/fixtures/optical');
const received = (name: string) => readFileSync(path.join(FIX, name), 'utf8').split('\n').filter((l) => l.startsWith('< ')).map((l) => l.slice(2));

test('packets, messages, versions and -devices lines as xorriso 1.5.4 prints them', () => {
  assert.deepEqual(parsePacket('R:1: ISO session  :   1 ,         0 ,      1649s , TESTISO'), { channel: 'R', text: 'ISO session  :   1 ,         0 ,      1649s , TESTISO' });
  assert.deepEqual(parsePacket('M:0: isokit-3'), { channel: 'M', text: 'isokit-3' });
  assert.equal(parsePacket('-mark 0 -pkt_output on'), undefined, 'echoed input is not a packet');
  assert.deepEqual(parseMessage('libburn : SORRY : SCSI error on read_10(100,1): [5 21 00] Illegal request. Lba out of range.'), {
    origin: 'libburn', severity: 'SORRY', text: 'SCSI error on read_10(100,1): [5 21 00] Illegal request. Lba out of range.',
  });
  assert.equal(parseMessage("xorriso : aborting : -abort_on 'FAILURE' encountered 'FAILURE'")?.severity, 'ABORT');
  assert.equal(parseMessage('Drive current: -outdev /dev/sr0'), undefined);
  assert.deepEqual(parseVersion('xorriso version   :  1.5.4'), [1, 5, 4]);
  assert.deepEqual(parseVersion('xorriso 1.4.8 : RockRidge filesystem manipulator, libburnia project.'), [1, 4, 8]);
  assert.deepEqual(parseDeviceLine("0  -dev '/dev/sr0' rw---- :  'QEMU    ' 'QEMU DVD-ROM' "), { index: 0, path: '/dev/sr0', access: 'rw----', vendor: 'QEMU', model: 'QEMU DVD-ROM' });
  // every recorded packet line parses, every recorded message has a known severity
  for (const f of ['sr0-query.txt', 'sr0-empty.txt', 'stdio-burn.txt', 'stdio-blank.txt']) {
    for (const l of received(f)) {
      const p = parsePacket(l);
      assert.ok(p, `${f}: ${l}`);
      if (p.channel === 'I' && / : [A-Z]+ : /.test(p.text)) assert.ok(parseMessage(p.text), `${f}: ${p.text}`);
    }
  }
});

test('pacifiers: cdrecord style (recorded burn), xorriso style (research evidence), blanking, closing, check_media', () => {
  const burn = received('stdio-burn.txt').map((l) => parsePacket(l)?.text ?? '').filter((t) => / : UPDATE : /.test(t)).map((t) => parsePacifier(parseMessage(t)?.text ?? ''));
  assert.ok(burn.length >= 2, 'the recorded burn has progress lines');
  let last = -1;
  for (const p of burn) {
    assert.equal(p?.kind, 'writing');
    if (p?.kind !== 'writing') continue;
    assert.equal(p.totalBytes, 160 * 1048576);
    assert.ok(p.doneBytes > last);
    last = p.doneBytes;
  }
  assert.deepEqual(parsePacifier('   95 of  160 MB written (fifo 99%) [buf  50%]  47.3x.'), { kind: 'writing', doneBytes: 95 * 1048576, totalBytes: 160 * 1048576, fifoPercent: 99, bufferPercent: 50, speedFactor: 47.3 });
  const evidence = readFileSync(path.join(FIX, 'xorriso-throttled-progress.txt'), 'utf8');
  const native = evidence.split('\n').filter((l) => l.includes('UPDATE : Writing:')).map((l) => parsePacifier(l.replace(/^I:1: xorriso : UPDATE : /, '')));
  assert.ok(native.length > 5);
  assert.deepEqual(native[2], { kind: 'writing', doneBytes: 768 * 2048, totalBytes: Math.round((768 / 0.173) ) * 2048, fifoPercent: 100, bufferPercent: 50, speedFactor: 0.6, speedUnit: 'D' });
  assert.deepEqual(parsePacifier('Blanking  ( 1.0% done in 3 seconds )'), { kind: 'blanking', percent: 1, seconds: 3 });
  assert.deepEqual(parsePacifier('Blanking  ( synchronously since 12 seconds )'), { kind: 'blanking', seconds: 12 });
  assert.deepEqual(parsePacifier('Formatting  ( 45.5% done in 60 seconds )'), { kind: 'formatting', percent: 45.5, seconds: 60 });
  assert.deepEqual(parsePacifier('Closing track/session. Working since 7 seconds'), { kind: 'closing', seconds: 7 });
  assert.deepEqual(parsePacifier('1649 of 1649 blocks read in 1 s = 22.0xC'), { kind: 'reading', doneBlocks: 1649, totalBlocks: 1649, seconds: 1, speedFactor: 22, speedUnit: 'C' });
  assert.equal(parsePacifier('Thank you for being patient. Working since 3 seconds.')?.kind, 'waiting');
  assert.equal(parsePacifier('Message sieve enabled'), undefined);
});

test('sieve answers and quoting', () => {
  // as recorded: ret, count, (lines, text)…, remaining
  assert.deepEqual(parseSieveAnswer(['1', '3', '1', 'QEMU', '1', 'QEMU DVD-ROM', '1', '2.5+', '0'], 0), { strings: ['QEMU', 'QEMU DVD-ROM', '2.5+'], remaining: 0, next: 9 });
  assert.deepEqual(parseSieveAnswer(['0', '0', '0'], 0), { strings: [], remaining: 0, next: 3 });
  assert.deepEqual(parseSieveAnswer(['1', '1', '2', 'a', 'b', '4'], 0), { strings: ['a\nb'], remaining: 4, next: 6 });
  assert.equal(parseSieveAnswer(['1', '2', '1', 'x'], 0), undefined, 'truncated answer');
  assert.equal(quoteArg("a b'c"), `'a b'"'"'c'`);
  assert.throws(() => quoteArg('a\nb'), RangeError);
});

test('media by libburn profile name; the TOC layout; medium fields', () => {
  assert.deepEqual([mediumTypeOf('CD-RW')?.erasable, mediumTypeOf('CD-RW')?.family], [true, 'CD']);
  assert.equal(mediumTypeOf('DVD+RW')?.overwritable, true);
  assert.equal(mediumTypeOf('DVD+R/DL')?.name, 'DVD+R DL');
  assert.equal(mediumTypeOf('BD-R sequential recording')?.simulation, false);
  assert.equal(mediumTypeOf('DVD-RW sequential recording')?.erasable, true);
  assert.equal(mediumTypeOf('stdio file, overwriteable')?.overwritable, true);
  assert.equal(mediumTypeOf('stdio file, sequential')?.overwritable, false);
  assert.equal(mediumTypeOf('CD-ROM')?.writable, false);
  assert.equal(mediumTypeOf('is not recognizable'), undefined);
  const toc = parseTocLayout(['TOC layout   : Idx ,  sbsector ,       Size , Volume Id', 'ISO session  :   1 ,         0 ,      1649s , TESTISO', 'Other track  :   2 ,      1801 ,     20000s , ', 'Non-data blks: 20000']);
  assert.deepEqual(toc.sessions, [{ index: 1, startLba: 0, blockCount: 1649, kind: 'iso', volumeId: 'TESTISO' }, { index: 2, startLba: 1801, blockCount: 20000, kind: 'other-track' }]);
  assert.equal(toc.nonDataBlocks, 20000);
  assert.equal(parseScaledBytes('2986k'), 2986 * 1024);
  assert.equal(parseScaledBytes('78.3g'), Math.round(78.3 * 1024 ** 3));
  assert.equal(parseKbps('5540k'), 5540);
  assert.equal(parseKbps('4.5m'), 4500);
});

test('safe speed: the lowest listed ≥ 4x CD / 4x DVD / 2x BD, never above the maximum; units in kB/s', () => {
  const cd = [2, 4, 8, 16, 24].map((x) => writeSpeed(Math.round(x * 176.4), 'CD'));
  assert.equal(chooseSpeed({ kind: 'safe' }, cd, 'CD').xorriso, '706k');
  assert.equal(chooseSpeed({ kind: 'safe' }, cd.slice(0, 1), 'CD').xorriso, '353k', 'all slower than 4x: the fastest listed');
  const dvd = [2.4, 4, 6, 8, 16].map((x) => writeSpeed(Math.round(x * 1385), 'DVD'));
  assert.equal(chooseSpeed({ kind: 'safe' }, dvd, 'DVD').xorriso, '5540k');
  const bd = [2, 4, 6].map((x) => writeSpeed(Math.round(x * 4495.625), 'BD'));
  assert.equal(chooseSpeed({ kind: 'safe' }, bd, 'BD').xorriso, '8991k');
  assert.equal(chooseSpeed({ kind: 'factor', factor: 48 }, cd, 'CD').xorriso, '4234k', 'capped at the drive maximum (24x)');
  assert.equal(chooseSpeed({ kind: 'factor', factor: 8 }, [], 'DVD').xorriso, '11080k');
  assert.equal(chooseSpeed({ kind: 'safe' }, [], 'file').xorriso, 'none');
  assert.equal(chooseSpeed({ kind: 'min' }, cd, 'CD').xorriso, 'min');
  assert.equal(chooseSpeed({ kind: 'max' }, cd, 'CD').xorriso, 'max');
  assert.deepEqual(parseSpeedRequest('8x'), { kind: 'factor', factor: 8 });
  assert.deepEqual(parseSpeedRequest('2.4'), { kind: 'factor', factor: 2.4 });
  assert.equal(parseSpeedRequest('fast'), undefined);
  assert.equal(writeSpeed(5540, 'DVD').label, '4x DVD');
});

function drive(current: string, status: string, blocks: [number, number, number], extra: Partial<OpticalDrive> = {}): OpticalDrive {
  const medium = mediumFromFields({ current: [current], status: [status], blocks: blocks.map(String), summary: ['0', '0', '0', '0'], tocResults: [] });
  return { path: '/dev/sr1', vendor: 'TEST', model: 'BURNER', writeSpeeds: [], profiles: ['CD-R', 'DVD+R'], canWrite: true, ...(medium ? { medium } : {}), ...extra };
}
const plan = (d: OpticalDrive, bytes: number, o: Partial<Parameters<typeof planBurn>[0]> = {}) => planBurn({ drive: d, imageByteLength: bytes, speed: { kind: 'safe' }, blank: 'as-needed', dummy: false, ...o });
const refused = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof IsoKitError && re.test(e.message));

test('burn plan: refusals, blanking, capacity with padding, SAO for CD, argv', () => {
  const img = 700 * 1048576;
  const cdr = drive('CD-R', 'is blank', [0, 359844, 359844]);
  const p = plan(cdr, 600 * 1048576);
  assert.equal(p.writeType, 'sao');
  assert.equal(p.paddingBytes, 300 * 1024);
  assert.equal(p.blank, undefined);
  assert.deepEqual(burnArgs(p, '/x/a.iso'), ['-as', 'cdrecord', '-v', 'dev=/dev/sr1', '-sao', 'padsize=300k', '/x/a.iso', '--']);
  refused(() => plan(cdr, 710 * 1048576), /needs 363670 blocks \(300 KiB padding included\); the CD-R in \/dev\/sr1 has room for 359844/);
  assert.equal(plan(cdr, img).neededBytes, (358400 + 150) * 2048, '700 MiB + 300 KiB fits an 80-minute CD-R');
  assert.equal(neededBytes(359844 * 2048 - 300 * 1024, 'CD').neededBytes, 359844 * 2048, 'exactly full fits');
  refused(() => plan(cdr, 359844 * 2048 - 300 * 1024 + 1), /has room for 359844/);
  // BD: no padding, 64 KiB chunks
  const bdr = drive('BD-R sequential recording', 'is blank', [0, 12219392, 12219392]);
  assert.equal(plan(bdr, 12219392 * 2048).paddingBytes, 0, 'an image sized to the BD-R fits: no default padding (dvdisaster#130)');
  assert.deepEqual(burnArgs(plan(bdr, 1 << 30), 'a.iso'), ['-as', 'cdrecord', '-v', 'dev=/dev/sr1', 'padsize=0k', 'a.iso', '--']);
  // write-once with data, closed, ROM, no disc, not a burner
  refused(() => plan(drive('DVD+R', 'is written , is appendable', [1000, 2000000, 2295104]), 1 << 20), /already holds data/);
  refused(() => plan(drive('CD-R', 'is written , is closed', [1000, 0, 1000]), 1 << 20), /closed/);
  refused(() => plan(drive('DVD-ROM', 'is written , is closed', [1000, 0, 1000]), 1 << 20), /cannot be written/);
  refused(() => plan(drive('CD-ROM', 'is written , is closed', [1000, 0, 1000], { canWrite: false }), 1 << 20), /reads only/);
  // CD-RW in use: blanked first; capacity is the whole disc then
  const rw = drive('CD-RW', 'is written , is closed', [300000, 0, 359844]);
  assert.equal(plan(rw, 600 * 1048576).blank, 'fast');
  assert.equal(plan(rw, 600 * 1048576, { blank: 'full' }).blank, 'all');
  refused(() => plan(rw, 1 << 20, { dummy: true }), /needs a blank CD-RW/);
  // overwritable: written from block 0, no blanking unless asked
  const plusrw = drive('DVD+RW', 'is written , is appendable', [100000, 2195104, 2295104]);
  assert.equal(plan(plusrw, 4 << 30).blank, undefined);
  assert.equal(plan(plusrw, 4 << 30, { blank: 'fast' }).blank, 'fast');
  refused(() => plan(plusrw, 1 << 20, { dummy: true }), /cannot be test-written/);
  assert.equal(plan(drive('BD-RE', 'is blank', [0, 12219392, 12219392]), 1 << 20).blank, 'as_needed', 'a blank BD-RE may need formatting');
  // the recorded QEMU drive: a DVD-ROM reader with a CD-ROM
  const qemu = received('sr0-query.txt');
  assert.ok(qemu.some((l) => /QEMU DVD-ROM/.test(l)));
});

test('rip layout from the TOC: audio refused, mixed mode gives the data track, blank and empty refused', () => {
  const type = mediumTypeOf('CD-ROM');
  const base = { current: 'CD-ROM', ...(type ? { type } : {}), statusText: '', sessions: [] as DiscSession[], nonDataBlocks: 0 };
  assert.throws(() => layoutFromMedium({ ...base, state: 'closed', readableBlocks: 200000, dataBlocks: 0, nonDataBlocks: 200000, sessions: [{ index: 1, startLba: 0, blockCount: 200000, kind: 'other' }] }, '/dev/sr0'), /audio CD/);
  const mixed = layoutFromMedium({ ...base, state: 'closed', readableBlocks: 220000, dataBlocks: 20000, nonDataBlocks: 200000, sessions: [{ index: 1, startLba: 0, blockCount: 19850, kind: 'iso' }, { index: 2, startLba: 20000, blockCount: 200000, kind: 'other-track' }] }, '/dev/sr0');
  assert.equal(mixed.tocByteLength, 19850 * 2048);
  assert.match(mixed.warnings[0] ?? '', /mixed-mode/);
  assert.throws(() => layoutFromMedium({ ...base, state: 'blank' }, '/dev/sr0'), /blank/);
  assert.throws(() => layoutFromMedium({ ...base, state: 'absent' }, '/dev/sr0'), /no disc/);
  const multi = layoutFromMedium({ ...base, state: 'closed', readableBlocks: 5000, sessions: [{ index: 1, startLba: 0, blockCount: 2000, kind: 'iso' }, { index: 2, startLba: 2300, blockCount: 2700, kind: 'iso' }] }, '/dev/sr0');
  assert.deepEqual(multi.isoSessionStarts, [0, 2300]);
});
