import { readFileSync } from 'node:fs';
import { MemorySource } from '../../src/io/index.js';
import { verifyMd5Tags } from '../../src/verify/md5-tags.js';
const f = process.argv[2] as string;
const bytes = new Uint8Array(readFileSync(f));
console.log(JSON.stringify(await verifyMd5Tags(new MemorySource(bytes, f), { files: 'always' }), null, 1));
const flip = Number(process.argv[3] ?? -1);
if (flip >= 0) { bytes[flip] ^= 1; console.log(JSON.stringify(await verifyMd5Tags(new MemorySource(bytes, f)), null, 1)); }
