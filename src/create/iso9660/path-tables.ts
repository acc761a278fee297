/**
 * Path tables (ECMA-119 6.9, 9.4): type L (little-endian) and type M (big-endian) for the ISO 9660 tree, then
 * the same pair for Joliet. Records follow the directories' path table order (level, parent number, name),
 * which `IsoState.isoDirs` / `jolietDirs` already are. Each table starts on its own block.
 */
import { encodeUtf8 } from '../../bytes/index.js';
import { serializePathTable, sizeOfPathTable, type PathTableRecord } from '../../formats/iso9660/index.js';
import { encodeJolietName } from '../../formats/joliet/index.js';
import type { ChunkWriter } from '../engine/index.js';
import type { PlanDirEntry } from '../tree.js';
import { BLOCK_SIZE, type Extent, type ImageRegion } from '../types.js';
import { sameLba, type IsoState, type LbaMap, type PathTablePlacement } from './state.js';

const ROOT_ID = Uint8Array.of(0);

function records(s: IsoState, kind: 'iso9660' | 'joliet', map: LbaMap = sameLba): PathTableRecord[] {
  const joliet = kind === 'joliet';
  const dirs = joliet ? s.jolietDirs : s.isoDirs;
  return dirs.map((d: PlanDirEntry) => {
    const v = s.dir(d);
    const parent = s.dir(joliet ? d.parent : s.isoParent(d));
    return {
      identifier: d === s.root ? ROOT_ID : joliet ? encodeJolietName(s.jolietName[d.id] as string) : encodeUtf8(s.isoName[d.id] as string),
      lba: map(joliet ? v.jolietLba : v.isoLba),
      parentNumber: joliet ? parent.jolietPathTableNumber : parent.pathTableNumber,
    };
  });
}

const blocksOf = (n: number) => Math.max(1, Math.ceil(n / BLOCK_SIZE));

const kinds = (s: IsoState) => (['iso9660', 'joliet'] as const).filter((k) => s.pathTables[k]);

/** The path tables as placed (L then M, ISO 9660 then Joliet), with addresses written through `map`. */
export async function* emitPathTables(s: IsoState, out: ChunkWriter, map: LbaMap = sameLba): AsyncGenerator<Uint8Array, void, undefined> {
  for (const k of kinds(s)) {
    const recs = records(s, k, map);
    const p = s.pathTables[k] as PathTablePlacement;
    for (const type of ['L', 'M'] as const) {
      yield* out.put(serializePathTable(recs, type));
      yield* out.zeros(blocksOf(p.byteLength) * BLOCK_SIZE - p.byteLength);
    }
  }
}

export function pathTablesRegion(s: IsoState): ImageRegion {
  return {
    name: 'path-tables',
    plan(startLba) {
      let lba = startLba;
      const place = (kind: 'iso9660' | 'joliet'): PathTablePlacement => {
        const byteLength = sizeOfPathTable(records(s, kind));
        const p = { byteLength, lLba: lba, mLba: lba + blocksOf(byteLength) };
        lba += 2 * blocksOf(byteLength);
        return p;
      };
      s.pathTables.iso9660 = place('iso9660');
      if (s.options.joliet) s.pathTables.joliet = place('joliet');
      return lba - startLba;
    },
    *extents(): Generator<Extent> {
      for (const k of kinds(s)) {
        const p = s.pathTables[k] as PathTablePlacement;
        yield { lba: p.lLba, blockCount: blocksOf(p.byteLength), what: `${k} type L path table` };
        yield { lba: p.mLba, blockCount: blocksOf(p.byteLength), what: `${k} type M path table` };
      }
    },
    emit: (out: ChunkWriter) => emitPathTables(s, out),
  };
}
