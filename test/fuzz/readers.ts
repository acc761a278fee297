/**
 * The fuzz harness's registry of readers. Each entry names the seed images its mutants are made from, the
 * byte ranges worth hitting more often (the structures it parses, found in the seed), and how a user's
 * command reads an image with it. Adding a reader (UDF, FAT, WIM…) is one entry in READERS:
 *
 *   { name: 'udf', seeds: ['udf-basic'], read: async (source, r) => ({ findings: (await openUdf(source)).findings }) }
 *
 * A reader returns the findings (and any other byte offsets it reports) so the harness can check that they
 * lie inside the image; it may throw an IsoKitError (not INTERNAL). Everything else is a failure. A reader
 * of another format brings its own `mutator` (UDF: udf-mutate.ts) instead of the ISO 9660 one (mutate.ts).
 */
import type { Finding } from '../../src/errors/index.js';
import { ErrorCode, FindingCode, Findings, IsoKitError } from '../../src/errors/index.js';
import { readRange, type ByteSource } from '../../src/io/index.js';
import { walkTree, type TreeNode } from '../../src/model/index.js';
import { createNodeHasher } from '../../src/node/hash-file.js';
import { listImage, LongRows, openImage, ShortRows, walkImageBatches, type NamespaceChoice } from '../../src/read/index.js';
import { readPartitionTables } from '../../src/read/partitions.js';
import { checkImage, checkIsoMd5, verifyMd5Tags } from '../../src/verify/index.js';
import { mapImage, mutateFor, type Mutation } from './mutate.js';
import { UDF_SEEDS, type SeedName } from './seeds.js';
import { mapUdfImage, mutateUdf, type UdfImageMap } from './udf-mutate.js';

export interface ReadResult {
  readonly findings?: readonly Finding[];
  /** other byte offsets the reader reported (damaged ranges, tag places) */
  readonly offsets?: readonly number[];
}

export interface FuzzReader {
  /** registry key; also the prefix of saved regression inputs */
  readonly name: string;
  /** the images its mutants are made from */
  readonly seeds: readonly SeedName[];
  /** share of the fresh cases, relative to the others' 1 (default 1; a slow reader gets less, e.g. 0.25) */
  readonly weight?: number;
  /** [start, end) byte ranges of the seed that this reader parses (mutated more often than the rest) */
  readonly hot?: (seed: Uint8Array) => [number, number][];
  /** read `source` as a command would (`r`: this case's random numbers, for choices such as which files) */
  read(source: ByteSource, r: () => number): Promise<ReadResult>;
  /** mutations of its own: `prepare` maps a seed once (per worker), `mutate` applies one in place */
  readonly mutator?: FuzzMutator;
}

export interface FuzzMutator {
  prepare(seed: Uint8Array): Promise<unknown>;
  mutate(seed: Uint8Array, prepared: unknown, r: () => number): Mutation;
}

/** A case's mutation of `seed` (its reader's mutator, else the ISO 9660 one with the reader's hot ranges). */
export async function mutateCase(reader: FuzzReader, seed: Uint8Array, r: () => number, cache: Map<string, Promise<unknown>> = new Map()): Promise<Mutation> {
  const key = reader.mutator ? `mutator:${reader.name}` : 'iso';
  let prepared = cache.get(key);
  if (!prepared) cache.set(key, (prepared = reader.mutator ? reader.mutator.prepare(seed) : Promise.resolve(mapImage(seed))));
  if (reader.mutator) return reader.mutator.mutate(seed, await prepared, r);
  let hot = cache.get(`hot:${reader.name}`) as Promise<[number, number][]> | undefined;
  if (!hot) cache.set(`hot:${reader.name}`, (hot = Promise.resolve(reader.hot?.(seed) ?? [])));
  return mutateFor(seed, (await prepared) as ReturnType<typeof mapImage>, await hot, r);
}

/** UDF seeds: descriptor tags and fields, lengths, allocation descriptors, FIDs (udf-mutate.ts). */
const UDF_MUTATOR: FuzzMutator = {
  async prepare(seed) {
    // the block size the seed's anchors are found with (2048, or 512 for the built 512-byte seed)
    const at = (bs: number) => 256 * bs + 1 < seed.length && seed[256 * bs] === 2 && seed[256 * bs + 1] === 0;
    return mapUdfImage(seed, at(2048) ? 2048 : 512);
  },
  mutate: (seed, prepared, r) => mutateUdf(seed, prepared as UdfImageMap, r),
};

const ISO_SEEDS: SeedName[] = ['xorriso-rr', 'genisoimage-rr', 'zisofs', 'eltorito', 'iso-level1', 'iso-level4', 'genisoimage-joliet', 'multisession', 'genisoimage-long-symlinks'];

/** Stream a few files' contents (up to 1 MiB in all); an IsoKitError from one file does not stop the case. */
async function readSome(tree: TreeNode, r: () => number): Promise<void> {
  let budget = 1 << 20;
  let files = 0;
  for (const { node } of walkTree(tree)) {
    if (node.kind !== 'file' || !node.content || r() < 0.7) continue;
    try {
      for await (const chunk of node.content.stream({ chunkSize: 65536 })) {
        budget -= chunk.length;
        if (budget < 0) break;
      }
    } catch (e) {
      if (!(e instanceof IsoKitError) || e.code === ErrorCode.INTERNAL) throw e;
    }
    if (++files >= 3 || budget < 0) return;
  }
}

/** Open with one namespace, walk the whole tree, read some contents. */
function treeReader(name: string, namespace: NamespaceChoice): FuzzReader {
  return {
    name,
    seeds: ISO_SEEDS,
    async read(source, r) {
      const image = await openImage(source, { namespace });
      let n = 0;
      for (const _ of walkTree(image.tree)) n++;
      if (n < 1) throw new Error('a tree without its root');
      await readSome(image.tree, r);
      return { findings: image.findings };
    },
  };
}

const u32le = (b: Uint8Array, o: number) => ((b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16) | ((b[o + 3] ?? 0) << 24)) >>> 0;

/** Every place `text` occurs in `b` (ASCII), as [place − 64, place + 512). */
function around(b: Uint8Array, text: string): [number, number][] {
  const t = new TextEncoder().encode(text);
  const out: [number, number][] = [];
  outer: for (let i = 0; i + t.length <= b.length; i++) {
    for (let j = 0; j < t.length; j++) if (b[i + j] !== t[j]) continue outer;
    out.push([Math.max(0, i - 64), Math.min(b.length, i + 512)]);
  }
  return out;
}

/**
 * `ls -R -l --namespace udf`, `ls --json` / extract's walk, or the whole tree with some contents (`cat`),
 * chosen per case, on the UDF namespace (a bridge's or a UDF-only image's).
 */
async function readUdf(source: ByteSource, r: () => number): Promise<ReadResult> {
  const how = r();
  const image = await openImage(source, { namespace: 'udf', deferTree: how < 0.66 });
  if (how < 0.33) {
    const rows = new LongRows();
    for await (const _ of listImage(image, rows, { path: '/', recursive: true }));
    for (const _ of rows.chunks());
  } else if (how < 0.66) {
    for await (const _ of walkImageBatches(image, { linkGroups: true }));
  } else {
    let n = 0;
    for (const _ of walkTree(image.tree)) n++;
    if (n < 1) throw new Error('a tree without its root');
    await readSome(image.tree, r);
  }
  return { findings: image.findings };
}

export const READERS: readonly FuzzReader[] = [
  treeReader('iso9660', 'iso9660'),
  treeReader('joliet', 'joliet'),
  treeReader('rockridge', 'rockridge'),
  {
    // `isokit ls -R -l` / `ls -R`: the listing walk (lean nodes) and its rows
    name: 'listing',
    seeds: ISO_SEEDS,
    // ~50 ms a case even on a small image (the listing engine sets up its row buffers and walk per call)
    weight: 0.25,
    async read(source, r) {
      const image = await openImage(source, { deferTree: true });
      // the text, as the command prints it
      if (r() < 0.5) {
        const rows = new LongRows();
        for await (const _ of listImage(image, rows, { path: '/', recursive: true }));
        for (const _ of rows.chunks());
      } else {
        const rows = new ShortRows();
        for await (const _ of listImage(image, rows, { path: '/', recursive: true })) rows.take();
        rows.take(true);
      }
      return { findings: image.findings };
    },
  },
  {
    // the streaming walk (`ls --json`, extract) of one namespace the image has, with hard-link groups
    name: 'walk',
    seeds: ISO_SEEDS,
    async read(source, r) {
      const namespace = (['auto', 'joliet', 'iso9660'] as const)[Math.floor(r() * 3)] as NamespaceChoice;
      let image;
      try {
        image = await openImage(source, { deferTree: true, namespace });
      } catch (e) {
        if (!(e instanceof IsoKitError) || e.code !== ErrorCode.NOT_FOUND) throw e;
        image = await openImage(source, { deferTree: true });
      }
      for await (const _ of walkImageBatches(image, { linkGroups: true }));
      return { findings: image.findings };
    },
  },
  {
    name: 'check',
    seeds: ['xorriso-rr', 'genisoimage-rr', 'eltorito', 'multisession', 'isokit-hybrid'],
    async read(source) {
      return { findings: (await checkImage(source)).findings };
    },
  },
  { name: 'udf', seeds: UDF_SEEDS, mutator: UDF_MUTATOR, read: readUdf },
  {
    // `isokit check` of a UDF image (its whole UDF tree, and the ISO 9660 checks on a bridge)
    name: 'udf-check',
    seeds: UDF_SEEDS,
    mutator: UDF_MUTATOR,
    async read(source) {
      return { findings: (await checkImage(source)).findings };
    },
  },
  {
    name: 'eltorito',
    seeds: ['eltorito', 'isokit-hybrid'],
    hot: (b) => {
      const catalogLba = u32le(b, 17 * 2048 + 71);
      return [[17 * 2048, 18 * 2048], [catalogLba * 2048, catalogLba * 2048 + 2048]];
    },
    async read(source) {
      const image = await openImage(source, { deferTree: true });
      // (an image's byteOffset is where the catalog says it is, in the image or not: a finding says so)
      for (const b of image.bootCatalog?.images ?? []) {
        const end = Math.min(source.byteLength, b.byteOffset + Math.min(b.byteLength, 1 << 20));
        if (end > b.byteOffset) for await (const _ of readRange(source, b.byteOffset, end - b.byteOffset, 1 << 20));
      }
      return { findings: image.findings };
    },
  },
  {
    name: 'mbr-gpt',
    seeds: ['isokit-hybrid'],
    hot: (b) => [[0, 34 * 512], [b.length - 33 * 512, b.length]],
    async read(source) {
      const findings = new Findings(false);
      await readPartitionTables(source, findings);
      return { findings: findings.list };
    },
  },
  {
    name: 'isomd5',
    seeds: ['isomd5'],
    hot: () => [[16 * 2048 + 883, 16 * 2048 + 883 + 512]],
    async read(source) {
      // the result is a status and a message (a bad fragment's range may lie past a truncated end)
      await checkIsoMd5(source, { factory: createNodeHasher });
      return {};
    },
  },
  {
    name: 'md5-tags',
    seeds: ['md5-tags'],
    hot: (b) => around(b, 'libisofs_checksum_tag_v1'),
    async read(source) {
      const r = await verifyMd5Tags(source, { factory: createNodeHasher, files: 'always' });
      // (a damaged range may start past the end: the bytes a truncated image lacks)
      return { offsets: r.tags.map((t) => t.byteOffset) };
    },
  },
  {
    // the harness's own test (reader.fuzz.test.ts): input byte 1 hangs, 2 throws a TypeError, 3 reports an
    // offset outside the input; no seeds, so fresh cases never pick it
    name: 'self-test',
    seeds: [],
    read(source) {
      return source.read(0, 1).then((b) => {
        if (b[0] === 1) for (;;);
        if (b[0] === 2) (undefined as unknown as { x: number }).x = 1;
        const f = new Findings(false);
        if (b[0] === 3) f.warn(FindingCode.IMAGE_TRUNCATED, 'self-test', source.byteLength + 4, 'self-test');
        return { findings: f.list };
      });
    },
  },
];

export function readerNamed(name: string): FuzzReader {
  const r = READERS.find((x) => x.name === name);
  if (!r) throw new Error(`no fuzz reader "${name}" (known: ${READERS.map((x) => x.name).join(', ')})`);
  return r;
}
