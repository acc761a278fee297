/** Text lines for optical drives in `isokit drives`: the drive, its disc, and the write speeds it lists. */
import type { OpticalDrive } from '../../node/optical/drives.js';

const STATE: Record<string, string> = { blank: 'blank', appendable: 'written, appendable', closed: 'written, closed', absent: 'no disc', unsuitable: 'unsuitable', unknown: 'state unknown' };

export function opticalLines(drives: readonly OpticalDrive[], formatSize: (n: number) => string): string[] {
  const lines: string[] = [];
  for (const d of drives) {
    const ident = [d.vendor, d.model].filter(Boolean).join(' ');
    lines.push(`${d.path.padEnd(14)} ${ident}${d.revision ? ` (${d.revision})` : ''}${!d.error && !d.canWrite ? '  [reads only]' : ''}`);
    if (d.error) {
      lines.push(`  cannot query the drive: ${d.error}`);
      continue;
    }
    const m = d.medium;
    if (!m || m.state === 'absent') {
      lines.push('  no disc');
    } else {
      const parts = [`${m.type?.name ?? m.current}, ${STATE[m.state] ?? m.state}`];
      if (m.usedBytes !== undefined && m.state !== 'blank') parts.push(`${formatSize(m.usedBytes)} in ${m.sessionCount ?? m.sessions.length} session(s)`);
      if (m.freeBytes !== undefined && m.type?.writable) parts.push(`${formatSize(m.freeBytes)} free`);
      if (m.nonDataBlocks) parts.push(`${m.nonDataBlocks} audio blocks`);
      lines.push(`  disc: ${parts.join(', ')}`);
      for (const s of m.sessions) lines.push(`    ${s.kind.replace('-', ' ')} ${s.index}: block ${s.startLba}, ${s.blockCount} blocks${s.volumeId ? `, "${s.volumeId}"` : ''}`);
    }
    if (d.writeSpeeds.length) lines.push(`  write speeds: ${d.writeSpeeds.map((s) => s.label).join(', ')}`);
    else if (d.canWrite && m && m.state !== 'absent') lines.push('  write speeds: none reported');
  }
  return lines;
}
