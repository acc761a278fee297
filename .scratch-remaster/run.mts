import { remasterImageFile } from '../src/node/remaster.js';
const [input, output, ...rest] = process.argv.slice(2);
const add = rest.filter(a => a.includes('=')).map(a => { const [dest, path] = a.split('='); return { dest, path }; });
const remove = rest.filter(a => a.startsWith('-')).map(a => a.slice(1));
const r = await remasterImageFile({ input: input!, output: output!, add, remove, dateMs: Date.UTC(2025,0,1), onWarning: (w) => console.error('warn:', w) });
console.log(JSON.stringify({ ...r.plan, layout: { ...r.layout, regions: undefined } }, (k, v) => v instanceof Uint8Array ? `u8[${v.length}]` : v, 1));
