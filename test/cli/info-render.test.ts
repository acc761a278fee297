// `isokit info`'s namespace line: the ISO 9660 level is not stored in an image, so below 3 the line says
// it was learnt from the names and extents (an image made at level 3 without long names reads as level 1).
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { namespacesLine } from '../../src/read/views/info.js';
import type { IsoImage } from '../../src/read/index.js';

const withNamespaces = (namespaces: IsoImage['namespaces']) => ({ namespaces }) as unknown as IsoImage;

test('info: an inferred ISO 9660 level says so; level 3 (multi-extent) and the others are stated plainly', () => {
  assert.equal(namespacesLine(withNamespaces({ iso9660: { level: 2 } })), 'ISO 9660 level 2 (by its names and extents)');
  assert.equal(namespacesLine(withNamespaces({ iso9660: { level: 1 } })), 'ISO 9660 level 1 (by its names and extents)');
  assert.equal(
    namespacesLine(withNamespaces({ iso9660: { level: 3 }, joliet: { level: 3 }, rockridge: { version: '1.12', extensionId: 'IEEE_1282' }, iso9660_1999: true })),
    'ISO 9660 level 3, Joliet level 3, Rock Ridge 1.12 (IEEE_1282), ISO 9660:1999',
  );
});
