/**
 * What the listing tests (ls-list.test.ts, ls-fast.test.ts) compare on: every reference image, each
 * namespace it has, and up to four start paths (the root, the first directories, a file), written the
 * way the test asks (`spell`: e.g. "/a/b/" or "A/B", which look up the same entry).
 */
import { readFileSync } from 'node:fs';
import { MemorySource } from '../../src/io/index.js';
import { openImage, walkImage } from '../../src/read/index.js';
import { FIXTURES, fixtureImage, type FixtureName } from '../helpers/fixtures.js';

export const NAMESPACES = ['rockridge', 'joliet', 'iso9660'] as const;

export interface ListingCase {
  name: FixtureName;
  bytes: Uint8Array;
  namespace: (typeof NAMESPACES)[number];
  starts: string[];
}

export async function* listingCases(spell: (path: string, depth: number) => string): AsyncGenerator<ListingCase> {
  for (const name of Object.keys(FIXTURES) as FixtureName[]) {
    const bytes = new Uint8Array(readFileSync(await fixtureImage(name)));
    for (const namespace of NAMESPACES) {
      const image = await openImage(new MemorySource(bytes), { deferTree: true });
      if (namespace !== 'iso9660' && !image.namespaces[namespace]) continue;
      const starts = ['/'];
      for await (const e of walkImage(image, { namespace })) {
        if (starts.length < 4 && (e.node.kind === 'dir' || starts.length === 3)) starts.push(spell(e.path, e.depth));
      }
      yield { name, bytes, namespace, starts };
    }
  }
}
