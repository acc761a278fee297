import { parseCommandArgs } from '../args.js';
import { Exit, type CliContext } from '../context.js';
import { printJson } from '../output.js';

export const summary = 'list disks and USB sticks that images can be written to';
export const usage = `usage: isokit drives [--all] [--json]

List block devices (Linux): path, vendor/model, size, bus (USB, SATA, NVMe, MMC, virtio, loop),
removable and read-only flags, partitions and mount points, with one line saying why each is listed.

System disks — holding the mounted /, /boot, /boot/efi, /usr, active swap, or isokit itself (followed
through LVM/device-mapper, RAID and loop devices) — are hidden and never written; --all shows them,
marked SYSTEM. Attached loop devices are listed with bus "loop" (losetup -f --show FILE).

Optical drives (CD/DVD/BD, the sr driver) are listed after the disks, through libburn (Debian package
xorriso): device, model, the loaded disc (CD-R/RW, DVD±R/RW/DL, DVD-RAM, BD-R/RE), its state (blank,
appendable, closed), used and free space, and the write speeds the drive reports for it. Burn with
isokit burn, copy a disc with isokit rip.

  --all    also show system disks and drives without a medium
  --json   {"drives":[…],"hidden":[…],"optical":[…]} with sizes in bytes
`;

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(argv, { all: { type: 'boolean' } }, { allowPositionals: false });
  const [{ listDrives, busLabel }, { formatSize }] = await Promise.all([import('../../node/drives.js'), import('../../node/write/targets.js')]);
  const list = listDrives({ all: !!values.all });
  const { listOpticalDrives } = await import('../../node/optical/drives.js');
  const optical = await listOpticalDrives();
  if (values.json) {
    printJson(ctx, { ...list, optical });
    return Exit.OK;
  }
  const lines: string[] = [];
  for (const d of list.drives) {
    const ident = [d.vendor, d.model].filter(Boolean).join(' ') || (d.backingFile ? `→ ${d.backingFile}` : '');
    const flags = [d.system ? 'SYSTEM' : '', d.removable ? 'removable' : '', d.readOnly ? 'read-only' : ''].filter(Boolean).join(', ');
    lines.push(`${d.path.padEnd(14)} ${formatSize(d.byteLength).padStart(9)}  ${busLabel(d.bus).padEnd(7)} ${ident}${flags ? `  [${flags}]` : ''}`);
    for (const p of d.partitions) {
      lines.push(`  ${p.path.padEnd(12)} ${formatSize(p.byteLength).padStart(9)}${p.mountpoints.length ? `  mounted on ${p.mountpoints.join(', ')}` : ''}`);
    }
    lines.push(`  ${d.explanation}`);
  }
  if (!list.drives.length) lines.push('no drives to write to (plug in a USB stick, or attach an image with losetup -f --show FILE)');
  const hidden = values.all ? [] : list.hidden;
  if (hidden.length) {
    lines.push('', `${hidden.length} hidden (isokit drives --all shows them):`);
    for (const h of hidden) lines.push(`  ${h.path}: ${h.explanation}`);
  }
  if (optical.length) {
    const { opticalLines } = await import('../render/optical.js');
    lines.push('', 'optical drives:', ...opticalLines(optical, formatSize));
  }
  ctx.stdout.write(lines.join('\n') + '\n');
  return Exit.OK;
}
