import { readFileSync } from 'node:fs';
import { MemorySource } from '../../src/io/index.js';
import { planIsoMd5Implant, checkIsoMd5, locateIsoMd5 } from '../../src/verify/isomd5.js';
const f = process.argv[2] as string;
const bytes = new Uint8Array(readFileSync(f));
const src = new MemorySource(bytes, f);
console.log(await locateIsoMd5(src).then((l) => l.record));
console.log(await checkIsoMd5(src));
try { const p = await planIsoMd5Implant(src, { force: true }); console.log(p.md5, p.fragmentSums); } catch (e) { console.log(String(e)); }
