import { parseCommandArgs } from '../args.js';
import { Exit, UsageError, type CliContext } from '../context.js';
import { NAMESPACE_OPTION, parseNamespace } from '../render/namespace.js';

export const summary = 'list the files in an image';
export const usage = `usage: isokit ls IMAGE [PATH] [-l] [-R] [--json] [--namespace rr|joliet|iso9660|udf]

List the directory PATH of IMAGE (default: the root). A PATH that is a file lists that file.
IMAGE is a file, a block device or an http(s) URL (read with range requests).

  -l, --long          mode, links, uid, gid, size, mtime (UTC), name, "-> target" for symlinks,
                      "major, minor" for device nodes
  -R, --recursive     everything below PATH, with paths relative to PATH
  --namespace NS      rr (Rock Ridge), joliet, iso9660 or udf
                      (default: Rock Ridge, else UDF, else Joliet, else ISO 9660)
  --json              {"path","entries":[{path,type,mode,nlink,uid,gid,size,mtime,target,extents,…}],
                      "findings":[{severity,code,message,byteOffset,structure}]}

A damaged image (truncated, an extent past its end, a bad record) is listed as far as it can be read,
with one warning line on stderr (with --json: in "findings"), exit 0; isokit info lists the findings.
`;

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    long: { type: 'boolean', short: 'l' },
    recursive: { type: 'boolean', short: 'R' },
    ...NAMESPACE_OPTION,
  });
  if (positionals.length < 1) throw new UsageError('ls needs an IMAGE (see: isokit ls --help)');
  if (positionals.length > 2) throw new UsageError(`ls takes IMAGE and at most one PATH, got ${positionals.length - 1} paths`);
  const [imagePath, path = '/'] = positionals as [string, string?];
  const namespace = parseNamespace(values.namespace);
  // one module with everything the listing needs (one chunk to load in the bundled CLI)
  const { runList } = await import('../list-run.js');
  await runList({ imagePath, path, namespace, recursive: !!values.recursive, long: !!values.long, json: !!values.json }, ctx);
  return Exit.OK;
}
