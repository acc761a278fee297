import { parseCommandArgs } from '../args.js';
import { UsageError, type CliContext } from '../context.js';
import { ProgressBar, printJson } from '../output.js';

export const summary = 'verify an image against checksum files, signatures, implanted MD5 and xorriso tags';
export const usage = `usage: isokit verify IMAGE [--sums FILE|URL] [--expect HEX] [--keyring FILE]... [--implanted] [--json]

Finds checksum files beside IMAGE (IMAGE.sha256/.sha512/.sha1/.md5, SHA256SUMS, SHA512SUMS, MD5SUMS,
sha256sum.txt, *-CHECKSUM, *.DIGESTS; GNU "HEX  NAME" or BSD "SHA256 (NAME) = HEX"; clearsigned or with
a detached .gpg/.sig/.sign/.asc signature), picks the line for IMAGE's file name and compares. Signatures are
checked against --keyring (armored or binary public keys; repeat for several files). An implanted isomd5sum
and xorriso MD5 tags are checked too when present.

  --sums FILE|URL  use this checksum file (http(s) URLs are fetched, with URL.gpg/.sign/.sig/.asc)
  --expect HEX     compare with this digest (MD5/SHA-1/SHA-256/SHA-512 by length)
  --keyring FILE   OpenPGP public key(s) trusted to sign checksum files
  --implanted      require the implanted isomd5sum (also reads only the declared size of a block device)
  --no-implanted   skip the implanted isomd5sum
  --json           the full report; "status" is one of the values below

exit  status               meaning
  0   verified-signed      matches a checksum file with a good signature from a key in --keyring
  3   mismatch             a digest, the implanted MD5 or an MD5 tag does not match
  4   matches-unsigned     matches, but nothing signed vouches for it (not verified)
  5   bad-signature        the checksum file's signature is bad (the file was altered)
  6   unknown-signer       signed by a key that is not in --keyring
  7   no-reference         nothing to compare with
  8   expired-key          matches, good signature, but the signing key has expired or is revoked
  9   signature-unchecked  matches a signed checksum file, but no --keyring was given`;

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    sums: { type: 'string' },
    expect: { type: 'string' },
    keyring: { type: 'string', multiple: true },
    implanted: { type: 'boolean' },
    'no-implanted': { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('verify needs exactly one IMAGE');
  if (values.implanted && values['no-implanted']) throw new UsageError('--implanted and --no-implanted exclude each other');
  const image = positionals[0] as string;
  const { verifyImageFile } = await import('../../node/verify-file.js');
  const bar = new ProgressBar(ctx, !values.json);
  let report;
  try {
    report = await verifyImageFile(image, {
      ...(values.sums !== undefined ? { sums: values.sums } : {}),
      ...(values.expect !== undefined ? { expect: values.expect } : {}),
      ...(values.keyring?.length ? { keyring: values.keyring } : {}),
      ...(values.implanted ? { implanted: true } : values['no-implanted'] ? { implanted: false } : {}),
      signal: ctx.signal,
      onProgress: bar.update,
    });
  } finally {
    bar.done();
  }
  if (values.json) {
    printJson(ctx, report);
    return report.exitCode;
  }
  const out: string[] = [];
  const ref = report.reference;
  if (ref?.kind === 'checksum-file') out.push(`reference: ${ref.file} line ${ref.line}: ${ref.lineText?.trim()}`);
  if (ref?.signature) out.push(`signature: ${ref.signature.source}: ${ref.signature.message}`);
  for (const r of report.references) if (r !== ref && !r.matches) out.push(`also: ${r.file ?? '--expect'}${r.line ? ` line ${r.line}` : ''}: MISMATCH`);
  if (report.implanted) out.push(`isomd5sum: ${report.implanted.status} — ${report.implanted.message}`);
  if (report.md5Tags) out.push(`xorriso MD5 tags: ${report.md5Tags.status} — ${report.md5Tags.message}`);
  for (const w of report.warnings) out.push(`warning: ${w}`);
  out.push(`${report.status}: ${report.message}`);
  ctx.stdout.write(out.join('\n') + '\n');
  if (report.status === 'matches-unsigned' || report.status === 'signature-unchecked') {
    ctx.stderr.write('isokit: warning: the image matches, but the reference is not verified by a signature\n');
  }
  return report.exitCode;
}
