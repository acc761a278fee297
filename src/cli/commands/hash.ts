import { parseCommandArgs } from '../args.js';
import { Exit, UsageError, type CliContext } from '../context.js';
import { ProgressBar, printJson } from '../output.js';

export const summary = 'compute MD5/SHA-1/SHA-256/SHA-512 of an image in one read pass';
export const usage = `usage: isokit hash IMAGE [--algo md5,sha1,sha256,sha512] [--json]

Prints the digests of IMAGE (a file, block device or http(s) URL), all computed in one read pass
(several digests use both CPU cores). Default algorithm: sha256.

  --algo LIST   comma-separated: md5, sha1, sha256, sha512 (or "all")
  --json        {"image", "byteLength", "digests": {"sha256": "…"}}
Output (text) is in sha256sum format: "HEX  IMAGE", one line per algorithm.`;

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { algo: { type: 'string', short: 'a' } });
  if (positionals.length !== 1) throw new UsageError('hash needs exactly one IMAGE');
  const image = positionals[0] as string;
  const [{ parseAlgorithmList, HASH_ALGORITHMS }, { hashSource }] = await Promise.all([import('../../verify/hash/index.js'), import('../../verify/hash-source.js')]);
  const algos = values.algo === 'all' ? [...HASH_ALGORITHMS] : parseAlgorithmList(values.algo ?? 'sha256');
  const bar = new ProgressBar(ctx, !values.json);
  const common = { signal: ctx.signal, onProgress: bar.update };
  let digests;
  let byteLength: number;
  try {
    if (/^https?:\/\//i.test(image)) {
      const { openSource, createNodeHasher } = await loadNode();
      const src = await openSource(image, { signal: ctx.signal });
      byteLength = src.byteLength;
      digests = await hashSource(src, algos, { ...common, factory: createNodeHasher });
    } else {
      const { hashFile } = await import('../../node/hash-file.js');
      const { statSync } = await import('node:fs');
      digests = await hashFile(image, algos, common);
      byteLength = statSync(image).size;
    }
  } finally {
    bar.done();
  }
  if (values.json) printJson(ctx, { image, byteLength, digests });
  else for (const a of algos) ctx.stdout.write(`${digests[a]}  ${image}${algos.length > 1 ? `  (${a})` : ''}\n`);
  return Exit.OK;
}

async function loadNode() {
  const [{ openSource }, { createNodeHasher }] = await Promise.all([import('../../node/open-source.js'), import('../../node/hash-file.js')]);
  return { openSource, createNodeHasher };
}
