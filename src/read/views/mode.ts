/** `ls -l` style mode strings: `drwxr-xr-x`, `-rwsr-x--T`, `lrwxrwxrwx`. */
import type { NodeKind } from '../../model/index.js';

const TYPE_CHAR: Record<NodeKind, string> = { file: '-', dir: 'd', symlink: 'l', chardev: 'c', blockdev: 'b', fifo: 'p', socket: 's' };

/** Mode string for a node; without recorded permissions (plain ISO 9660, Joliet) the bits show as `?????????`. */
export function modeString(kind: NodeKind, mode: number | undefined): string {
  if (mode === undefined) return TYPE_CHAR[kind] + '?????????';
  const bit = (m: number, c: string) => ((mode & m) !== 0 ? c : '-');
  const special = (x: number, s: number, on: string, off: string) => {
    const hasX = (mode & x) !== 0;
    if ((mode & s) !== 0) return hasX ? on : off;
    return hasX ? 'x' : '-';
  };
  return (
    TYPE_CHAR[kind] +
    bit(0o400, 'r') + bit(0o200, 'w') + special(0o100, 0o4000, 's', 'S') +
    bit(0o040, 'r') + bit(0o020, 'w') + special(0o010, 0o2000, 's', 'S') +
    bit(0o004, 'r') + bit(0o002, 'w') + special(0o001, 0o1000, 't', 'T')
  );
}
