/**
 * The duplicate-name set of the listing rows (read/iso9660/name-set.ts): byte names and string names of one
 * directory against a Set of strings, over many directories (generations) and a directory large enough to rehash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NameSet } from '../../src/read/iso9660/name-set.js';

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

test('NameSet: what a Set of the names says, for plain and other names, across directories', () => {
  const set = new NameSet();
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  const alphabet = ['a', 'b', 'Z', '.', '-', '/', '\\', 'é', '\x01', '~'];
  for (let dir = 0; dir < 300; dir++) {
    set.reset();
    const want = new Set<string>();
    const count = dir === 7 ? 5000 : rnd(60);
    for (let i = 0; i < count; i++) {
      const len = rnd(4);
      let name = '';
      for (let k = 0; k < len; k++) name += alphabet[rnd(alphabet.length)];
      const plain = /^[\x20-\x7e]+$/.test(name) && !/[/\\]/.test(name) && name !== '.' && name !== '..';
      const seen = want.has(name);
      want.add(name);
      if (rnd(2) === 0 && /^[\x00-\xff]*$/.test(name)) {
        // as bytes in a larger buffer: -1 exactly for names that are not plain (then added as strings)
        const b = bytes(`xx${name}yy`);
        const r = set.addPlain(b, 2, 2 + name.length);
        assert.equal(r, plain ? (seen ? 1 : 0) : -1, JSON.stringify(name));
        if (r === -1) assert.equal(set.addString(name), seen, JSON.stringify(name));
      } else {
        assert.equal(set.addString(name), seen, JSON.stringify(name));
      }
    }
  }
});
