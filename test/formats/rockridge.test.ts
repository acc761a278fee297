import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { concatBytes, encodeUtf8 } from '../../src/bytes/index.js';
import { Findings, IsoKitError } from '../../src/errors/index.js';
import {
  CE_ENTRY_LENGTH, decodeDeviceNumber, encodeDeviceNumber, interpretRockRidge, continuationAreas, inlineEntryCount, parseSuspArea, readSuspChain,
  serializeCE, serializeER, serializeNM, serializeRockRidge, serializeSL, serializeSP, serializeSuspEntry, sizeOfRockRidgeEntries,
  type RockRidgeWriteInput,
} from '../../src/formats/rockridge/index.js';

const parseAll = (entries: Uint8Array[], f = new Findings()) => {
  const area = parseSuspArea(concatBytes(entries), 1000, f);
  return { area, info: interpretRockRidge(area.entries, f, 1000), findings: f };
};

test('SP, ER, CE entries: layout and parse', () => {
  const sp = serializeSP(3);
  assert.deepEqual([...sp], [0x53, 0x50, 7, 1, 0xbe, 0xef, 3]);
  const ce = serializeCE(1234, 100, 600);
  assert.equal(ce.length, CE_ENTRY_LENGTH);
  const er10 = serializeER('1.10'), er12 = serializeER('1.12');
  const { area, info, findings } = parseAll([sp, er10, er12, ce]);
  assert.deepEqual(area.continuation, { lba: 1234, offsetInBlock: 100, byteLength: 600 });
  assert.equal(info.lenSkp, 3);
  assert.deepEqual(info.extensions?.map((e) => e.id), ['RRIP_1991A', 'IEEE_1282']);
  assert.match(info.extensions?.[0]?.descriptor ?? '', /^THE ROCK RIDGE INTERCHANGE PROTOCOL/);
  assert.equal(findings.list.length, 0);
});

test('parseSuspArea stops at ST, zero padding and bad lengths (finding, entries before kept)', () => {
  const px = serializeRockRidge({ mode: 0o100644, nlink: 1, uid: 0, gid: 0 }, { rripVersion: '1.10' })[0] as Uint8Array;
  const st = serializeSuspEntry('ST', 1);
  let f = new Findings();
  assert.equal(parseSuspArea(concatBytes([px, st, px]), 0, f).entries.length, 1);
  assert.equal(parseSuspArea(concatBytes([px, new Uint8Array(5)]), 0, f).entries.length, 1);
  assert.equal(f.list.length, 0);
  const bad = concatBytes([px, Uint8Array.of(0x4e, 0x4d, 200, 1, 0, 0x41)]);
  f = new Findings();
  assert.equal(parseSuspArea(bad, 500, f).entries.length, 1);
  assert.equal(f.list[0]?.code, 'SUSP_BAD_LENGTH');
  assert.equal(f.list[0]?.byteOffset, 500 + px.length);
  // LEN_SKP: skip bytes before the first entry
  assert.equal(parseSuspArea(concatBytes([Uint8Array.of(9, 9, 9), px]), 0, new Findings(), { skipBytes: 3 }).entries.length, 1);
});

test('PX 36 (1.10) and 44 (1.12) bytes; serial only in 1.12', () => {
  const input: RockRidgeWriteInput = { mode: 0o100755, nlink: 3, uid: 1000, gid: 100, ino: 77 };
  const e10 = serializeRockRidge(input, { rripVersion: '1.10' }), e12 = serializeRockRidge(input, { rripVersion: '1.12' });
  assert.equal(e10[0]?.length, 36);
  assert.equal(e12[0]?.length, 44);
  assert.equal(parseAll(e10).info.ino, undefined);
  assert.equal(parseAll(e12).info.ino, 77);
  assert.equal(parseAll(e10).info.mode, 0o100755);
});

test('NM: long UTF-8 names split with CONTINUE and joined back; "." / ".." flags', () => {
  const name = 'é'.repeat(127) + 'x'; // 255 bytes
  const nm = serializeNM(name);
  assert.equal(nm.length, 2);
  assert.ok(nm.every((e) => e.length <= 255));
  assert.equal(nm[0]?.[4], 1);
  assert.equal(nm[1]?.[4], 0);
  assert.equal(parseAll(nm).info.name, name);
  assert.equal(parseAll(serializeNM('', 2)).info.nameFlags, 'current');
  // Latin-1 bytes that are not UTF-8 decode as Latin-1
  assert.equal(parseAll([serializeSuspEntry('NM', 1, [0, 0x63, 0x61, 0x66, 0xe9])]).info.name, 'café');
});

test('SL: root, current, parent, long components split with CONTINUE over several entries', () => {
  const long = 'q'.repeat(255);
  const target = `/usr/./../${long}/${long}/end`;
  const sl = serializeSL(target);
  assert.ok(sl.length >= 3);
  assert.ok(sl.every((e) => e.length <= 255));
  assert.ok(sl.slice(0, -1).every((e) => e[4] === 1) && sl[sl.length - 1]?.[4] === 0);
  assert.equal(parseAll(sl).info.symlinkTarget, target);
  assert.equal(parseAll(serializeSL('/')).info.symlinkTarget, '/');
  assert.equal(parseAll(serializeSL('..')).info.symlinkTarget, '..');
  assert.equal(parseAll(serializeSL('a//b/')).info.symlinkTarget, 'a/b');
});

test('SL written by hand: component continuation inside one entry, VOLROOT tolerated', () => {
  const sl = serializeSuspEntry('SL', 1, [0, 8, 0, 1, 1, 0x61, 0, 1, 0x62, 0, 1, 0x63]);
  assert.equal(parseAll([sl]).info.symlinkTarget, '/ab/c');
  const f = new Findings();
  assert.equal(parseAll([serializeSuspEntry('SL', 1, [0, 16, 0, 0, 1, 0x78])], f).info.symlinkTarget, '/x');
  assert.equal(f.list[0]?.code, 'RR_SL_COMPONENT');
});

test('SL with a wrapped length byte (genisoimage): the record that overruns the entry is read whole, as libisofs does', () => {
  // a 268-byte SL entry written with length byte 12: flags 0, one record of 42 bytes, then two more records
  const comp = (n: number, c: number) => [0, n, ...new Array<number>(n).fill(c)];
  const payload = [0, ...comp(42, 0x61), ...comp(100, 0x62), ...comp(119, 0x63)];
  const entry = Uint8Array.from([0x53, 0x4c, (4 + payload.length) & 0xff, 1, ...payload]);
  const f = new Findings();
  const r = parseAll([serializeSuspEntry('SL', 1, [1, ...comp(5, 0x7a)]), entry], f);
  assert.equal(r.info.symlinkTarget, `zzzzz/${'a'.repeat(42)}`, 'the first record whole, then the entry ends (as xorriso reads it)');
  assert.ok(f.list.some((x) => x.code === 'RR_BAD_SL' && /read whole/.test(x.message)));
  // a record that runs past the area itself is dropped
  const g = new Findings();
  assert.equal(parseAll([serializeSuspEntry('SL', 1, [0, ...comp(3, 0x78), 0, 200, 0x79])], g).info.symlinkTarget, 'xxx');
  assert.ok(g.list.some((x) => x.code === 'RR_BAD_SL' && /rest ignored/.test(x.message)));
});

test('PN device numbers: glibc encoding, genisoimage major/minor form, Linux 16-bit form', () => {
  assert.deepEqual(encodeDeviceNumber({ major: 8, minor: 1 }), [0, 0x801]);
  assert.deepEqual(decodeDeviceNumber(0, 0x801), { major: 8, minor: 1 });
  assert.deepEqual(decodeDeviceNumber(8, 1), { major: 8, minor: 1 }); // genisoimage
  assert.deepEqual(decodeDeviceNumber(259, 300), { major: 259, minor: 300 });
  for (const d of [{ major: 259, minor: 300 }, { major: 4095, minor: 0xfffff }, { major: 70000, minor: 5 }, { major: 0, minor: 0 }]) {
    const [h, l] = encodeDeviceNumber(d);
    assert.deepEqual(decodeDeviceNumber(h, l), d);
  }
});

test('TF: short and long forms, flags in order', () => {
  const t = Date.UTC(2021, 5, 7, 8, 9, 10);
  const { info } = parseAll(serializeRockRidge({ mode: 0o100644, nlink: 1, uid: 0, gid: 0, mtimeMs: t, atimeMs: t + 1000, ctimeMs: t + 2000, birthtimeMs: t - 1000 }, { rripVersion: '1.10' }));
  assert.deepEqual([info.birthtimeMs, info.mtimeMs, info.atimeMs, info.ctimeMs], [t - 1000, t, t + 1000, t + 2000]);
  // long form: MODIFY | ACCESS | LONG_FORM, 17-byte dates
  const d17 = (s: string) => [...encodeUtf8(s), 0];
  const tf = serializeSuspEntry('TF', 1, [0x86, ...d17('2020010203040550'), ...d17('2019123123595900')]);
  const r = parseAll([tf]).info;
  assert.equal(r.mtimeMs, Date.UTC(2020, 0, 2, 3, 4, 5, 500));
  assert.equal(r.atimeMs, Date.UTC(2019, 11, 31, 23, 59, 59));
});

test('RE, CL, PL, ZF, RR tolerated, SF reported', () => {
  const e = serializeRockRidge({ mode: 0o40755, nlink: 2, uid: 0, gid: 0, relocated: true, childLinkLba: 99, parentLinkLba: 7, zisofs: { algorithm: 'pz', headerSizeLog4: 4, blockSizeLog2: 15, uncompressedSize: 123456 } }, { rripVersion: '1.10' });
  const f = new Findings();
  const { info } = parseAll([serializeSuspEntry('RR', 1, [0x81]), ...e, serializeSuspEntry('SF', 1, new Array(17).fill(0))], f);
  assert.equal(info.relocated, true);
  assert.equal(info.childLinkLba, 99);
  assert.equal(info.parentLinkLba, 7);
  assert.deepEqual(info.zisofs, { algorithm: 'pz', headerSizeLog4: 4, blockSizeLog2: 15, uncompressedSize: 123456, formatVersion: 1 });
  assert.deepEqual(f.list.map((x) => x.code), ['RR_SPARSE_UNSUPPORTED']);
});

test('inlineEntryCount keeps order and room for CE; continuationAreas fits blocks', () => {
  const lengths = sizeOfRockRidgeEntries({ name: 'n'.repeat(255), mode: 0o120777, nlink: 1, uid: 0, gid: 0, mtimeMs: 0, symlinkTarget: 'x/'.repeat(600) }, { rripVersion: '1.12' });
  assert.equal(inlineEntryCount(lengths.slice(0, 1), 200), 1);
  const inline = inlineEntryCount(lengths, 200);
  assert.ok(inline < lengths.length);
  assert.ok(lengths.slice(0, inline).reduce((n, e) => n + e, 0) + CE_ENTRY_LENGTH <= 200);
  assert.ok(lengths.slice(0, inline + 1).reduce((n, e) => n + e, 0) + CE_ENTRY_LENGTH > 200, 'the next entry would not fit');
  const areas = continuationAreas(lengths, inline, 2048);
  assert.equal(areas[0]?.[0], inline);
  assert.equal(areas.at(-1)?.[1], lengths.length);
  areas.forEach(([a, b], i) => {
    if (i) assert.equal(a, areas[i - 1]?.[1], 'areas are consecutive');
    assert.ok(lengths.slice(a, b).reduce((n, e) => n + e, 0) + (i < areas.length - 1 ? CE_ENTRY_LENGTH : 0) <= 2048);
  });
  assert.ok(areas.length >= 1);
});

test('readSuspChain follows CE areas and stops on loops', async () => {
  const img = new Uint8Array(4 * 2048);
  const nm = serializeNM('m'.repeat(600));
  img.set(concatBytes([...nm.slice(1), serializeCE(3, 0, 28)]), 2 * 2048 + 100);
  const ce2len = nm.slice(1).reduce((n, e) => n + e.length, 0) + 28;
  img.set(serializeCE(2, 100, ce2len), 3 * 2048); // loops back to block 2 (after the first hop)
  const first = concatBytes([nm[0] as Uint8Array, serializeCE(2, 100, ce2len)]);
  const f = new Findings();
  const entries = await readSuspChain(first, 0, f, async (c) => img.subarray(c.lba * 2048 + c.offsetInBlock, c.lba * 2048 + c.offsetInBlock + c.byteLength));
  assert.equal(interpretRockRidge(entries, f, 0).name, 'm'.repeat(600));
  assert.ok(f.list.some((x) => x.code === 'SUSP_CE_CHAIN'));
});

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const component = fc.oneof(
  fc.constantFrom('.', '..'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).map((s) => s.replace(/[/\0]/g, '_')).filter((s) => s !== '.' && s !== '..' && encodeUtf8(s).length <= 255),
  fc.integer({ min: 200, max: 255 }).map((n) => 'z'.repeat(n)),
);
const nameArb = fc.oneof(
  fc.constantFrom('a\uFFFDb', '\uFEFFbom', 'ÿ'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }),
  fc.integer({ min: 1, max: 255 }).map((n) => 'é'.repeat(Math.floor(n / 2)) + 'a'.repeat(n % 2 || 1)),
).filter((s) => encodeUtf8(s).length <= 255 && !s.includes('\0'));
const secondsMs = fc.integer({ min: Date.UTC(1900, 0, 1) / 1000, max: Date.UTC(2155, 11, 31) / 1000 }).map((s) => s * 1000);

test('round trip: serializeRockRidge → parse → same info (randomized)', () => {
  fc.assert(
    fc.property(
      fc.record({
        name: nameArb, mode: u32, nlink: u32, uid: u32, gid: u32, ino: u32,
        mtimeMs: secondsMs, atimeMs: secondsMs, ctimeMs: secondsMs,
        symlinkTarget: fc.option(fc.tuple(fc.boolean(), fc.array(component, { minLength: 1, maxLength: 40 })).map(([abs, c]) => (abs ? '/' : '') + c.join('/')), { nil: undefined }),
        device: fc.option(fc.record({ major: fc.integer({ min: 0, max: 0xfffff }), minor: fc.integer({ min: 0, max: 0xfffff }) }), { nil: undefined }),
        relocated: fc.boolean(), childLinkLba: fc.option(u32, { nil: undefined }),
      }),
      fc.constantFrom('1.10' as const, '1.12' as const),
      (input, rripVersion) => {
        const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as unknown as RockRidgeWriteInput;
        const entries = serializeRockRidge(clean, { rripVersion });
        assert.ok(entries.every((e) => e.length <= 255 && e.length === e[2]));
        const f = new Findings();
        const info = interpretRockRidge(parseSuspArea(concatBytes(entries), 0, f).entries, f, 0);
        assert.equal(f.list.length, 0);
        assert.equal(info.name, input.name);
        assert.deepEqual([info.mode, info.nlink, info.uid, info.gid], [input.mode, input.nlink, input.uid, input.gid]);
        assert.equal(info.ino, rripVersion === '1.12' ? input.ino : undefined);
        assert.deepEqual([info.mtimeMs, info.atimeMs, info.ctimeMs], [input.mtimeMs, input.atimeMs, input.ctimeMs]);
        assert.equal(info.symlinkTarget, input.symlinkTarget);
        if (input.device && (input.device.major >= 0x1000 || input.device.minor < 0x100000)) assert.deepEqual(info.device, { ...input.device });
        assert.equal(info.relocated, input.relocated ? true : undefined);
        assert.equal(info.childLinkLba, input.childLinkLba);
      },
    ),
    { numRuns: 300 },
  );
});

const onlyIsoKitErrors = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof IsoKitError)) throw e;
  }
};

test('fuzz: random and mutated System Use areas never throw anything but IsoKitError', () => {
  const seed = concatBytes([
    serializeSP(0), serializeER('1.12'),
    ...serializeRockRidge({ name: 'file-' + 'x'.repeat(300), mode: 0o120777, nlink: 1, uid: 1, gid: 2, ino: 3, mtimeMs: 0, atimeMs: 0, ctimeMs: 0, symlinkTarget: '/a/../' + 'b'.repeat(300), device: { major: 1, minor: 2 }, childLinkLba: 5, parentLinkLba: 6, relocated: true, zisofs: { algorithm: 'pz', headerSizeLog4: 4, blockSizeLog2: 15, uncompressedSize: 9 } }, { rripVersion: '1.12' }),
    serializeCE(1, 2, 3),
  ]);
  const mutated = fc.tuple(fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), fc.nat(seed.length)).map(([muts, cut]) => {
    const b = seed.slice(0, cut);
    for (const [i, v] of muts) if (i < b.length) b[i] = v;
    return b;
  });
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated), fc.boolean(), (area, strict) => {
      onlyIsoKitErrors(() => {
        const f = new Findings(strict);
        const a = parseSuspArea(area, 0, f, { skipBytes: area[0] ?? 0 });
        interpretRockRidge(a.entries, f, 0);
      });
    }),
    { numRuns: 4000 },
  );
});
