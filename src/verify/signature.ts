/**
 * OpenPGP signatures on checksum files (detached `.gpg`/`.sig`/`.sign`/`.asc`, or clearsigned), verified with
 * openpgp.js against a keyring given by the user (armored or binary, any number of keys). openpgp.js is
 * loaded lazily: only commands that check signatures pay for it.
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';

/**
 * good: a key in the keyring made this signature over exactly these bytes, and is valid now.
 * bad: the signature does not match the data (the checksum file was altered) or is malformed.
 * unknown-signer: no key in the keyring has the signing key id.
 * expired-key: the signing key is in the keyring but expired or revoked.
 * no-keyring: the file is signed but no keyring was given, so nothing could be checked.
 */
export type SignatureStatus = 'good' | 'bad' | 'unknown-signer' | 'expired-key' | 'no-keyring';

export interface SignatureCheck {
  readonly status: SignatureStatus;
  readonly kind: 'detached' | 'clearsigned';
  /** the signature file (detached) or the checksum file (clearsigned) */
  readonly source: string;
  /** signing key id, 16 hex digits, upper case */
  readonly keyId?: string;
  /** fingerprint of the signing (sub)key's primary key, upper case hex */
  readonly fingerprint?: string;
  readonly userId?: string;
  /** signature creation time, ISO 8601 */
  readonly created?: string;
  readonly message: string;
}

type OpenPgp = typeof import('openpgp');
type Key = Awaited<ReturnType<OpenPgp['readKeys']>>[number];
let openpgpModule: Promise<OpenPgp> | undefined;
const loadOpenPgp = (): Promise<OpenPgp> => (openpgpModule ??= import('openpgp'));

const latin1 = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < Math.min(b.length, 64); i++) s += String.fromCharCode(b[i] as number);
  return s;
};
const isArmored = (b: Uint8Array): boolean => /-----BEGIN PGP/.test(latin1(b)) || /-----BEGIN PGP/.test(new TextDecoder().decode(b.subarray(0, 4096)));

/** Read public keys from keyring files (armored blocks, several blocks in one file, or binary `gpg --export` output). */
export async function readKeyring(files: readonly { name: string; bytes: Uint8Array }[]): Promise<Key[]> {
  const openpgp = await loadOpenPgp();
  const keys: Key[] = [];
  for (const f of files) {
    if (latin1(f.bytes.subarray(8, 12)) === 'KBXf') {
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${f.name} is a GnuPG keybox; export the keys first: gpg --export KEYID > keys.gpg`);
    }
    try {
      if (isArmored(f.bytes)) {
        const text = new TextDecoder().decode(f.bytes);
        const blocks = text.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g) ?? [];
        if (!blocks.length) throw new Error('no PUBLIC KEY BLOCK in the armored text');
        for (const armoredKeys of blocks) keys.push(...(await openpgp.readKeys({ armoredKeys })));
      } else {
        keys.push(...(await openpgp.readKeys({ binaryKeys: f.bytes })));
      }
    } catch (e) {
      if (e instanceof IsoKitError) throw e;
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${f.name} is not an OpenPGP keyring: ${(e as Error).message}`, { cause: e });
    }
  }
  return keys;
}

const hexId = (id: { toHex(): string }): string => id.toHex().toUpperCase();

async function describeSigner(key: Key): Promise<{ fingerprint: string; userId?: string }> {
  let userId: string | undefined;
  try {
    const primary = await key.getPrimaryUser();
    userId = primary.user.userID?.userID;
  } catch {
    userId = key.getUserIDs()[0];
  }
  return { fingerprint: key.getFingerprint().toUpperCase(), ...(userId ? { userId } : {}) };
}

/** "expired on …" / "is revoked" when the key is no longer valid now, else undefined. */
async function expiryOf(key: Key): Promise<string | undefined> {
  try {
    if (await key.isRevoked()) return 'is revoked';
  } catch {
    /* treat as not revoked */
  }
  let t: Date | number | null = null;
  try {
    t = (await key.getExpirationTime()) as Date | number | null;
  } catch (e) {
    return `is not valid now (${(e as Error).message})`;
  }
  if (t instanceof Date && t.getTime() <= Date.now()) return `expired on ${t.toISOString()}`;
  return undefined;
}

interface VerifyInput {
  kind: 'detached' | 'clearsigned';
  source: string;
  keys: Key[] | undefined;
}

/** Shared tail of detached and clearsigned verification: classify the first signature. */
async function classify(
  input: VerifyInput,
  signingKeyIds: string[],
  run: () => Promise<{ verified: Promise<unknown>; keyID: { toHex(): string }; signature: Promise<{ packets: ArrayLike<{ created: Date | null }> }> }[]>,
): Promise<SignatureCheck> {
  const base = { kind: input.kind, source: input.source };
  const keyId = signingKeyIds[0];
  if (!input.keys) {
    return { ...base, status: 'no-keyring', ...(keyId ? { keyId } : {}), message: `signed by key ${keyId ?? '?'}, but no --keyring was given to check it` };
  }
  const owner = input.keys.find((k) => k.getKeyIDs().some((id) => signingKeyIds.includes(hexId(id))));
  if (!owner) {
    return { ...base, status: 'unknown-signer', ...(keyId ? { keyId } : {}), message: `signed by key ${keyId ?? '?'}, which is not in the keyring` };
  }
  const who = await describeSigner(owner);
  const results = await run();
  const first = results[0];
  if (!first) return { ...base, status: 'bad', message: 'the signature holds no signature packet' };
  let created: string | undefined;
  try {
    const sig = await first.signature;
    const c = sig.packets[0]?.created;
    if (c) created = c.toISOString();
  } catch {
    /* keep going: verification below reports the problem */
  }
  const facts = { keyId: hexId(first.keyID), ...who, ...(created ? { created } : {}) };
  try {
    await first.verified;
    const expiry = await expiryOf(owner);
    if (expiry) {
      return { ...base, status: 'expired-key', ...facts, message: `the signature matches, but signing key ${who.fingerprint} ${expiry}` };
    }
    return { ...base, status: 'good', ...facts, message: `good signature by ${who.userId ?? who.fingerprint} (${who.fingerprint})` };
  } catch (e) {
    const why = (e as Error).message ?? String(e);
    if (/expired|revoked/i.test(why)) {
      return { ...base, status: 'expired-key', ...facts, message: `signing key ${who.fingerprint} is expired or revoked: ${why}` };
    }
    return { ...base, status: 'bad', ...facts, message: `BAD signature by ${who.userId ?? who.fingerprint}: ${why}` };
  }
}

/** Verify a detached signature (armored or binary) over `data` (the checksum file's bytes). */
export async function verifyDetachedSignature(
  data: Uint8Array,
  signature: { name: string; bytes: Uint8Array },
  keys: Key[] | undefined,
  opts: { date?: Date } = {},
): Promise<SignatureCheck> {
  const openpgp = await loadOpenPgp();
  const input: VerifyInput = { kind: 'detached', source: signature.name, keys };
  let sig: Awaited<ReturnType<OpenPgp['readSignature']>>;
  try {
    sig = isArmored(signature.bytes)
      ? await openpgp.readSignature({ armoredSignature: new TextDecoder().decode(signature.bytes) })
      : await openpgp.readSignature({ binarySignature: signature.bytes });
  } catch (e) {
    return { kind: 'detached', source: signature.name, status: 'bad', message: `${signature.name} is not an OpenPGP signature: ${(e as Error).message}` };
  }
  const ids = sig.getSigningKeyIDs().map(hexId);
  return classify(input, ids, async () => {
    const message = await openpgp.createMessage({ binary: data });
    const r = await openpgp.verify({ message, signature: sig, verificationKeys: keys ?? [], format: 'binary', ...(opts.date ? { date: opts.date } : {}) });
    return r.signatures as never;
  });
}

/** Verify a clearsigned checksum file. */
export async function verifyClearsigned(text: string, name: string, keys: Key[] | undefined, opts: { date?: Date } = {}): Promise<SignatureCheck> {
  const openpgp = await loadOpenPgp();
  let message: Awaited<ReturnType<OpenPgp['readCleartextMessage']>>;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: text });
  } catch (e) {
    return { kind: 'clearsigned', source: name, status: 'bad', message: `${name}: malformed clearsigned message: ${(e as Error).message}` };
  }
  const ids = message.getSigningKeyIDs().map(hexId);
  return classify({ kind: 'clearsigned', source: name, keys }, ids, async () => {
    const r = await openpgp.verify({ message, verificationKeys: keys ?? [], ...(opts.date ? { date: opts.date } : {}) });
    return r.signatures as never;
  });
}

export type { Key as OpenPgpKey };
