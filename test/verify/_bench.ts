import { hashFile } from '../../src/node/hash-file.js';
const f = process.argv[2] as string;
const algos = (process.argv[3] ?? 'sha256').split(',') as never[];
const t = performance.now();
const r = await hashFile(f, algos, { chunkByteLength: Number(process.env.CH ?? 4 << 20) });
console.log(((performance.now() - t) / 1000).toFixed(2), JSON.stringify(r).slice(0, 120));
