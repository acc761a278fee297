/**
 * The rip's map on disk: a GNU ddrescue mapfile (so ddrescue and ddrescuelog read it, and a rip can be
 * continued by either tool), written to MAP.tmp and renamed over MAP, so a crash leaves the old map or the
 * new one, never half of one.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { DDRESCUE_RUN_STATUS, parseDdrescueMap, serializeDdrescueMap, type DdrescueBlockMap, type DdrescueMap } from '../../formats/ddrescue-map/index.js';
import { ioError } from '../errors.js';
import type { RescueState } from './rescue.js';

const stamp = (d: Date) => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

export class MapFile {
  private readonly started = new Date();
  constructor(
    readonly path: string,
    private readonly commandLine: string,
  ) {}

  /** The map at `path`, or undefined when there is none. */
  static load(path: string): DdrescueMap | undefined {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw ioError(e, path);
    }
    try {
      return parseDdrescueMap(bytes);
    } catch (e) {
      if (e instanceof IsoKitError) throw new IsoKitError(ErrorCode.CORRUPT, `${path}: ${e.message}`, { cause: e });
      throw e;
    }
  }

  save(map: DdrescueBlockMap, state: RescueState): void {
    const what = state.currentStatus === '+' ? 'Finished' : `${DDRESCUE_RUN_STATUS[state.currentStatus].replace(/^./, (c) => c.toUpperCase())}... Pass ${state.currentPass}`;
    const text = serializeDdrescueMap(
      { ...state, blocks: map.blocks() },
      { comments: ['Mapfile. Created by isokit (GNU ddrescue mapfile format)', `Command line: ${this.commandLine}`, `Start time:   ${stamp(this.started)}`, `Current time: ${stamp(new Date())}`, what] },
    );
    const tmp = `${this.path}.tmp`;
    try {
      const fd = openSync(tmp, 'w');
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
    } catch (e) {
      throw ioError(e, this.path);
    }
  }
}
