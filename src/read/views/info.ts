/** `isokit info`: the JSON object and the text report of an opened image. */
import type { Finding } from '../../errors/index.js';
import type { IsoImage } from '../index.js';
import type { Namespace } from '../../model/index.js';
import type { BootImageInfo } from '../boot.js';
import type { PartitionTables } from '../partitions.js';
import type { UdfVolumeInfo } from '../udf/info.js';
import { formatBytes } from './units.js';
import { isoDate } from './date.js';

const hex = (n: number, w = 0) => '0x' + n.toString(16).padStart(w, '0');

/** JSON.stringify replacer: byte arrays become short hex strings (or their length when long). */
export function jsonReplacer(_k: string, v: unknown): unknown {
  if (v instanceof Uint8Array) return v.length <= 64 ? Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('') : `<${v.length} bytes>`;
  if (typeof v === 'bigint') return v.toString();
  return v;
}

function bootJson(b: BootImageInfo): Record<string, unknown> {
  return {
    index: b.index,
    section: b.section,
    platform: b.platform,
    platformId: b.platformId,
    bootable: b.bootable,
    emulation: b.emulation,
    loadSegment: b.entry.loadSegment,
    sectorCount: b.entry.sectorCount,
    lba: b.lba,
    loadByteLength: b.loadByteLength,
    byteLength: b.byteLength,
    lengthSource: b.lengthSource,
    path: b.path,
    bootInfoTable: b.bootInfoTable,
    grub2BootInfo: b.grub2BootInfo || undefined,
    isohybridSignature: b.isohybridSignature || undefined,
    fat: b.fat ? true : undefined,
  };
}

/** The `info --json` object (dates as ISO 8601 strings). */
export function infoJson(image: IsoImage, imageName: string): Record<string, unknown> {
  const v = image.volume;
  return {
    ok: true,
    image: imageName,
    imageByteLength: image.source.byteLength,
    volume: {
      ...v,
      creationMs: undefined, modificationMs: undefined, expirationMs: undefined, effectiveMs: undefined,
      creation: isoDate(v.creationMs),
      modification: isoDate(v.modificationMs),
      expiration: isoDate(v.expirationMs),
      effective: isoDate(v.effectiveMs),
    },
    namespaces: image.namespaces,
    namespace: image.namespace,
    udf: image.udf ? { ...image.udf, recordingMs: undefined, recording: isoDate(image.udf.recordingMs) } : undefined,
    descriptors: image.descriptors,
    boot: image.bootCatalog
      ? { catalogLba: image.bootCatalog.catalogLba, catalogPath: image.bootCatalog.catalogPath, images: image.bootCatalog.images.map(bootJson) }
      : undefined,
    partitions: image.partitions,
    sessions: image.sessions,
    findings: image.findings,
  };
}

function dateLine(ms: number | undefined): string {
  const s = isoDate(ms);
  return s ? s.replace('T', ' ').replace(/\.000Z$/, ' UTC').replace(/Z$/, ' UTC') : '-';
}

/** The namespaces an image reports, in the order they are offered (the tree can be read from each; UDF only when readable). */
export function imageNamespaces(image: Pick<IsoImage, 'namespaces'>): Namespace[] {
  const n = image.namespaces;
  const all: [Namespace, unknown][] = [['rockridge', n.rockridge], ['joliet', n.joliet], ['iso9660', n.iso9660], ['udf', n.udf?.readable], ['fat', n.fat]];
  return all.filter(([, there]) => there).map(([ns]) => ns);
}

export function namespacesLine(image: IsoImage): string {
  const n = image.namespaces;
  // The level is not recorded in an image: it is the lowest level whose rules its names and extents fit.
  const parts: string[] = [];
  if (n.iso9660) parts.push(`ISO 9660 level ${n.iso9660.level}${n.iso9660.level < 3 ? ' (by its names and extents)' : ''}`);
  if (n.joliet) parts.push(`Joliet level ${n.joliet.level}`);
  if (n.rockridge) parts.push(`Rock Ridge ${n.rockridge.version}${n.rockridge.extensionId ? ` (${n.rockridge.extensionId})` : ''}`);
  if (n.iso9660_1999) parts.push('ISO 9660:1999');
  if (n.udf) parts.push(n.udf.revision ? `UDF ${n.udf.revision}` : 'UDF');
  if (n.fat) parts.push(`${n.fat.type}${n.fat.label ? ` "${n.fat.label}"` : ''}${n.fat.partitionByteOffset ? ` (partition at byte ${n.fat.partitionByteOffset})` : ''}`);
  return parts.join(', ');
}

/** The UDF volume's lines of the text report (revision, ids, partitions, integrity, counts). */
export function udfLines(u: UdfVolumeInfo): string[] {
  const row = (k: string, v: string) => `${(k + ':').padEnd(18)}${v}`;
  const counts = u.fileCount !== undefined || u.directoryCount !== undefined ? `; ${u.fileCount ?? '?'} files, ${u.directoryCount ?? '?'} directories` : '';
  const maps = u.partitionMaps.map((m) => m.kind);
  const lines = [
    row('UDF', `revision ${u.revision ?? 'unknown'}${u.nsr ? ` (NSR0${u.nsr})` : ''}, block size ${u.blockSize}, ${u.descriptorSequence} descriptor sequence${u.metadataMirrorUsed ? ', metadata mirror used' : ''}`),
    row('UDF volume id', JSON.stringify(u.volumeId)),
    row('UDF LV id', `${JSON.stringify(u.logicalVolumeId)}${u.fileSetId ? ` (file set ${JSON.stringify(u.fileSetId)})` : ''}`),
    row('UDF integrity', `${u.integrity}${counts}`),
    row('UDF written by', [u.implementationId, u.lastWriterId && u.lastWriterId !== u.implementationId ? `last ${u.lastWriterId}` : ''].filter(Boolean).join(', ') || '-'),
  ];
  for (const p of u.partitions) lines.push(`  UDF partition ${p.number}: start sector ${p.startSector}, ${p.blockCount} blocks, ${p.accessType}, ${p.contents}`);
  if (maps.length) lines.push(`  UDF partition maps: ${maps.join(', ')}`);
  return lines;
}

export function bootLines(images: readonly BootImageInfo[]): string[] {
  return images.map((b) => {
    const bits = [
      `${b.index}: ${b.platform}`,
      b.emulation,
      b.bootable ? 'bootable' : 'not bootable',
      `load segment ${hex(b.entry.loadSegment || 0x7c0, 4)}`,
      `${b.entry.sectorCount} sectors`,
      `image at LBA ${b.lba}`,
      `${b.byteLength} bytes (${b.lengthSource})`,
    ];
    if (b.path) bits.push(`file /${b.path.replace(/^\//, '')}`);
    if (b.bootInfoTable) bits.push(`boot-info-table${b.bootInfoTable.checksumOk === false ? ' (checksum mismatch)' : ''}`);
    if (b.grub2BootInfo) bits.push('grub2-boot-info');
    if (b.isohybridSignature) bits.push('isohybrid');
    return '  ' + bits.join(', ');
  });
}

export function partitionLines(p: PartitionTables): string[] {
  const out: string[] = [];
  if (p.mbr) {
    for (const e of p.mbr.partitions) {
      if (e.empty) continue;
      out.push(`  MBR ${e.index}: type ${hex(e.type, 2)} ${e.typeName}${e.bootable ? ', bootable' : ''}, start sector ${e.startLba}, ${e.sectorCount} sectors (${formatBytes(e.byteLength)})`);
    }
    for (const e of p.mbr.logical) out.push(`  MBR logical ${e.index}: type ${hex(e.type, 2)} ${e.typeName}, start sector ${e.startLba}, ${e.sectorCount} sectors`);
  }
  if (p.gpt) {
    for (const e of p.gpt.partitions) {
      out.push(`  GPT ${e.index}: ${e.typeName}${e.name ? ` "${e.name}"` : ''}, sectors ${e.firstLba}-${e.lastLba} (${formatBytes(e.byteLength)})`);
    }
    if (p.gpt.backup.status !== 'ok') out.push(`  GPT backup header: ${p.gpt.backup.status}`);
  }
  if (p.apm) {
    for (const e of p.apm.entries) out.push(`  APM ${e.index}: ${e.type}${e.name ? ` "${e.name}"` : ''}, start block ${e.startBlock}, ${e.blockCount} blocks of ${p.apm.blockSize} bytes`);
  }
  return out;
}

export function findingLine(f: Finding): string {
  const at = f.byteOffset !== undefined ? ` at byte ${hex(f.byteOffset)} (LBA ${Math.floor(f.byteOffset / 2048)})` : '';
  return `  ${f.severity} ${f.code}${f.structure ? ` in ${f.structure}` : ''}${at}: ${f.message}`;
}

/** The text report. */
export function formatInfo(image: IsoImage, imageName: string): string {
  const v = image.volume;
  const rows: [string, string][] = [
    ['Image', `${imageName} (${formatBytes(image.source.byteLength)}, ${image.source.byteLength} bytes)`],
    ['Volume id', v.volumeId + (v.jolietVolumeId && v.jolietVolumeId !== v.volumeId ? ` (Joliet: ${v.jolietVolumeId})` : '')],
    ['System id', v.systemId],
    ['Volume set id', v.volumeSetId],
    ['Publisher', v.publisherId],
    ['Data preparer', v.dataPreparerId],
    ['Application', v.applicationId],
    ['Created', dateLine(v.creationMs)],
    ['Modified', dateLine(v.modificationMs)],
    ['Expires', dateLine(v.expirationMs)],
    ['Effective', dateLine(v.effectiveMs)],
    ['Blocks', `${v.blockCount} × ${v.blockSize} bytes = ${v.byteLength} bytes (${formatBytes(v.byteLength)})`],
    ['Namespaces', namespacesLine(image)],
    ['Namespace used', image.namespace],
    ['Sessions', image.sessions.map((s) => `LBA ${s.startLba} (${s.blockCount} blocks)`).join(', ') || '1'],
    ['Partition tables', image.partitions.kinds.join(', ') || 'none'],
  ];
  const lines = rows.map(([k, val]) => `${(k + ':').padEnd(18)}${val || '-'}`);
  if (image.udf) lines.splice(lines.length - 3, 0, ...udfLines(image.udf));
  const parts = partitionLines(image.partitions);
  if (parts.length) lines.push(...parts);
  const boot = image.bootCatalog?.images ?? [];
  lines.push(`${'Boot entries:'.padEnd(18)}${boot.length ? `${boot.length} (catalog at LBA ${image.bootCatalog?.catalogLba})` : 'none'}`);
  lines.push(...bootLines(boot));
  lines.push(`${'Findings:'.padEnd(18)}${image.findings.length || 'none'}`);
  lines.push(...image.findings.map(findingLine));
  return lines.join('\n') + '\n';
}
