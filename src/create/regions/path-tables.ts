/**
 * Path tables (ECMA-119 6.9, 9.4): type L (little-endian) and type M (big-endian) for the ISO 9660 tree, then
 * the same pair for Joliet. Records follow the directories' path table order (level, parent number, name),
 * which `BuildImage.isoDirs` / `jolietDirs` already are. Each table starts on its own block.
 */
import { encodeUtf8 } from '../../bytes/index.js';
import { serializePathTable, sizeOfPathTable, type PathTableRecord } from '../../formats/iso9660/index.js';
import { encodeJolietName } from '../../formats/joliet/index.js';
import type { ChunkWriter } from '../chunk-writer.js';
import type { BDir, BuildImage, PathTablePlacement } from '../tree.js';
import { BLOCK_SIZE, type EmitContext, type Extent, type Region } from '../types.js';

const ROOT_ID = Uint8Array.of(0);

function records(image: BuildImage, kind: 'iso9660' | 'joliet'): PathTableRecord[] {
  const dirs = kind === 'joliet' ? image.jolietDirs : image.isoDirs;
  return dirs.map((d: BDir) => {
    const parent = (kind === 'joliet' ? d.parent : d.isoParent) as BDir;
    return {
      identifier: d === image.root ? ROOT_ID : kind === 'joliet' ? encodeJolietName(d.jolietName) : encodeUtf8(d.isoName),
      lba: kind === 'joliet' ? d.dir.jolietLba : d.dir.isoLba,
      parentNumber: kind === 'joliet' ? parent.dir.jolietPathTableNumber : parent.dir.pathTableNumber,
    };
  });
}

const blocksOf = (n: number) => Math.max(1, Math.ceil(n / BLOCK_SIZE));

export function pathTablesRegion(): Region {
  let image: BuildImage | undefined;
  const kinds = (img: BuildImage) => (['iso9660', 'joliet'] as const).filter((k) => img.pathTables[k]);
  return {
    name: 'path-tables',
    plan(startLba, ctx) {
      image = ctx.image;
      let lba = startLba;
      const place = (kind: 'iso9660' | 'joliet'): PathTablePlacement => {
        const byteLength = sizeOfPathTable(records(ctx.image, kind));
        const p = { byteLength, lLba: lba, mLba: lba + blocksOf(byteLength) };
        lba += 2 * blocksOf(byteLength);
        return p;
      };
      ctx.image.pathTables.iso9660 = place('iso9660');
      if (ctx.options.joliet) ctx.image.pathTables.joliet = place('joliet');
      return lba - startLba;
    },
    *extents(): Generator<Extent> {
      if (!image) return;
      for (const k of kinds(image)) {
        const p = image.pathTables[k] as PathTablePlacement;
        yield { lba: p.lLba, blockCount: blocksOf(p.byteLength), what: `${k} type L path table` };
        yield { lba: p.mLba, blockCount: blocksOf(p.byteLength), what: `${k} type M path table` };
      }
    },
    async *emit(out: ChunkWriter, ctx: EmitContext) {
      const img = ctx.layout.image;
      for (const k of kinds(img)) {
        const recs = records(img, k);
        const p = img.pathTables[k] as PathTablePlacement;
        for (const type of ['L', 'M'] as const) {
          yield* out.put(serializePathTable(recs, type));
          yield* out.zeros(blocksOf(p.byteLength) * BLOCK_SIZE - p.byteLength);
        }
      }
    },
  };
}
