import { openImageFile } from '../src/node/open-image.js';
const img = await openImageFile(process.argv[2]!);
const bc = img.bootCatalog;
console.log(JSON.stringify({ volume: img.volume, namespaces: img.namespaces, namespace: img.namespace, sessions: img.sessions, descriptors: img.descriptors }, null, 0));
console.log(JSON.stringify(bc && { catalogLba: bc.catalogLba, catalogPath: bc.catalogPath, images: bc.images.map(i => ({ ...i, entry: undefined, fat: !!i.fat })) }, null, 0));
const p = img.partitions;
console.log(JSON.stringify({ kinds: p.kinds, iso: p.isoByteLength, cov: p.isoCoveredBy, mbr: p.mbr?.partitions, gpt: p.gpt && { parts: p.gpt.partitions, hdr: p.gpt.header } }, (k, v) => typeof v === 'bigint' ? String(v) : v instanceof Uint8Array ? `u8[${v.length}]` : v, 0));
const t = img.tree;
function show(n: any, pre = '') { console.log(pre + n.name, n.kind, n.size, JSON.stringify(n.names), n.content?.ranges?.map((r: any) => [r.byteOffset, r.byteLength]), n.mode?.toString(8)); for (const c of n.children ?? []) show(c, pre + '  '); }
show(t);
console.log(img.findings);
