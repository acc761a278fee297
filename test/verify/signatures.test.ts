/**
 * `isokit verify` against signed checksum files made with gpg in the test (temp GNUPGHOME, no passphrase,
 * keys that never expire except the deliberately expired one): each case has its own status and exit code.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import * as path from 'node:path';
import { verifyImageFile, findReferenceFiles } from '../../src/node/verify-file.js';
import { VERIFY_EXIT_CODES } from '../../src/verify/index.js';
import { needTools, runCli, sh, tmpDir } from '../helpers/index.js';

function gpg(home: string, args: string[], input?: string): string {
  return sh('gpg', ['--homedir', home, '--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], input ? { input } : {});
}

test('signed SUMS: verified, unsigned, tampered image, tampered SUMS, wrong key, expired key, missing keyring', async (t) => {
  if (!needTools(t, 'gpg')) return;
  const { dir, cleanup } = tmpDir('sig');
  try {
    const home = path.join(dir, 'gnupg');
    mkdirSync(home);
    chmodSync(home, 0o700);
    gpg(home, ['--quick-gen-key', 'Release Signer <release@example.org>', 'ed25519', 'sign', 'never']);
    gpg(home, ['--quick-gen-key', 'Other Person <other@example.org>', 'ed25519', 'sign', 'never']);
    gpg(home, ['--faked-system-time', '20200101T000000', '--quick-gen-key', 'Old Signer <old@example.org>', 'ed25519', 'sign', '1d']);
    const signerKeys = path.join(dir, 'signer.asc');
    writeFileSync(signerKeys, gpg(home, ['--armor', '--export', 'release@example.org']));
    const otherKeys = path.join(dir, 'other.gpg');
    writeFileSync(otherKeys, spawnSync('gpg', ['--homedir', home, '--batch', '--export', 'other@example.org']).stdout);
    const oldKeys = path.join(dir, 'old.asc');
    writeFileSync(oldKeys, gpg(home, ['--armor', '--export', 'old@example.org']));
    const fpr = /fpr:+([0-9A-F]{40}):/.exec(gpg(home, ['--with-colons', '--fingerprint', 'release@example.org']))?.[1];

    const rel = path.join(dir, 'release');
    mkdirSync(rel);
    const iso = path.join(rel, 'distro-1.0-amd64.iso');
    const bytes = randomBytes(3 << 20);
    writeFileSync(iso, bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const sums = path.join(rel, 'SHA256SUMS');
    writeFileSync(sums, `${'0'.repeat(64)}  other.iso\n${sha256} *distro-1.0-amd64.iso\n`);

    // unsigned
    let r = await verifyImageFile(iso, { keyring: signerKeys });
    assert.equal(r.status, 'matches-unsigned');
    assert.equal(r.reference?.line, 2);
    assert.equal(r.exitCode, 4);

    // detached signature, good
    gpg(home, ['-u', 'release@example.org', '--output', sums + '.gpg', '--detach-sign', sums]);
    assert.deepEqual((await findReferenceFiles(iso)).map((p) => path.basename(p)), ['SHA256SUMS', 'SHA256SUMS.gpg']);
    r = await verifyImageFile(iso, { keyring: [otherKeys, signerKeys] });
    assert.equal(r.status, 'verified-signed', r.message);
    assert.equal(r.reference?.signature?.fingerprint, fpr);
    assert.match(r.reference?.signature?.userId ?? '', /Release Signer/);
    const cli = runCli(['verify', iso, '--keyring', signerKeys, '--json']);
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    assert.equal(JSON.parse(cli.stdout).status, 'verified-signed');

    // missing keyring, wrong key
    assert.equal((await verifyImageFile(iso)).status, 'signature-unchecked');
    assert.equal((await verifyImageFile(iso, { keyring: otherKeys })).status, 'unknown-signer');

    // tampered image
    const bad = Buffer.from(bytes);
    bad[1000] = (bad[1000] as number) ^ 1;
    writeFileSync(iso, bad);
    r = await verifyImageFile(iso, { keyring: signerKeys });
    assert.equal(r.status, 'mismatch');
    assert.equal(runCli(['verify', iso, '--keyring', signerKeys]).status, 3);
    writeFileSync(iso, bytes);

    // tampered SUMS (someone put their own digest in)
    const original = readFileSync(sums, 'utf8');
    writeFileSync(sums, original.replace('0'.repeat(64), '1'.repeat(64)));
    r = await verifyImageFile(iso, { keyring: signerKeys });
    assert.equal(r.status, 'bad-signature');
    assert.equal(runCli(['verify', iso, '--keyring', signerKeys]).status, VERIFY_EXIT_CODES['bad-signature']);
    writeFileSync(sums, original);

    // expired key (signed while it was valid, expired now)
    gpg(home, ['--faked-system-time', '20200101T010000', '-u', 'old@example.org', '--output', sums + '.gpg', '--detach-sign', sums]);
    r = await verifyImageFile(iso, { keyring: oldKeys });
    assert.equal(r.status, 'expired-key', r.message);
    assert.equal(r.exitCode, 8);

    // clearsigned copy, Fedora-style BSD CHECKSUM, and --expect
    const fed = path.join(dir, 'fedora');
    mkdirSync(fed);
    const fiso = path.join(fed, 'Fedora-Workstation-Live-x86_64-39-1.5.iso');
    copyFileSync(iso, fiso);
    const checksum = `# Fedora-Workstation-Live-x86_64-39-1.5.iso: ${bytes.length} bytes\nSHA256 (Fedora-Workstation-Live-x86_64-39-1.5.iso) = ${sha256}\n`;
    writeFileSync(path.join(fed, 'Fedora-Workstation-39-1.5-x86_64-CHECKSUM'), gpg(home, ['-u', 'release@example.org', '--clearsign'], checksum));
    r = await verifyImageFile(fiso, { keyring: signerKeys });
    assert.equal(r.status, 'verified-signed', r.message);
    assert.equal(r.reference?.format, 'bsd');
    assert.equal(r.reference?.signature?.kind, 'clearsigned');
    const tampered = readFileSync(path.join(fed, 'Fedora-Workstation-39-1.5-x86_64-CHECKSUM'), 'utf8').replace('bytes', 'bytez');
    writeFileSync(path.join(fed, 'Fedora-Workstation-39-1.5-x86_64-CHECKSUM'), tampered);
    assert.equal((await verifyImageFile(fiso, { keyring: signerKeys })).status, 'bad-signature');

    assert.equal((await verifyImageFile(fiso, { expect: sha256 })).status, 'matches-unsigned');
    assert.equal((await verifyImageFile(fiso, { expect: createHash('md5').update('x').digest('hex') })).status, 'mismatch');
    const lone = path.join(dir, 'lone.iso');
    writeFileSync(lone, bytes.subarray(0, 4096));
    const none = runCli(['verify', lone, '--json']);
    assert.equal(none.status, 7);
    assert.equal(JSON.parse(none.stdout).status, 'no-reference');
    assert.equal(runCli(['verify', lone, '--expect', 'abc']).status, 2);
  } finally {
    cleanup();
  }
});
