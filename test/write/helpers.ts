/** Helpers for the write/drives tests: images, loop devices, a local HTTP server. */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { sh } from '../helpers/index.js';

/** Deterministic pseudo-random bytes (xorshift32), so content is incompressible but reproducible. */
export function noise(byteLength: number, seed = 1): Uint8Array {
  const out = new Uint8Array(byteLength);
  const v = new DataView(out.buffer);
  let x = seed >>> 0 || 1;
  let i = 0;
  for (; i + 4 <= byteLength; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    v.setUint32(i, x, true);
  }
  for (; i < byteLength; i++) out[i] = i & 0xff;
  return out;
}

/** A small ISO built by xorriso from a folder with one random file (+ extra xorriso args). */
export function makeIso(dir: string, name: string, dataBytes = 3_000_000, extra: string[] = []): string {
  const tree = path.join(dir, `${name}-tree`);
  mkdirSync(tree, { recursive: true });
  writeFileSync(path.join(tree, 'data.bin'), noise(dataBytes, dataBytes));
  writeFileSync(path.join(tree, 'readme.txt'), `isokit write test ${name}\n`);
  const out = path.join(dir, `${name}.iso`);
  sh('xorriso', ['-as', 'mkisofs', '-R', '-J', '-V', name.toUpperCase().slice(0, 16), ...extra, '-o', out, tree], { stdio: 'pipe' });
  return out;
}

/** SHA-256 of `byteLength` bytes of a file or device from `byteOffset`. */
export function sha256Of(file: string, byteLength: number, byteOffset = 0): string {
  const h = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let done = 0;
    while (done < byteLength) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, byteLength - done), byteOffset + done);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** Attach FILE as a loop device (losetup -f --show [-P]); detach with `detach(dev)`. */
export function attachLoop(file: string, partScan = false): string {
  return sh('losetup', ['-f', '--show', ...(partScan ? ['-P'] : []), file]).trim();
}
export function detachLoop(dev: string | undefined): void {
  if (!dev) return;
  try {
    sh('losetup', ['-d', dev]);
  } catch {
    /* already gone */
  }
}

/** Serve `body` on 127.0.0.1; with `dropAfter` the connection is destroyed after that many bytes. */
export async function serve(body: Uint8Array, opts: { dropAfter?: number; path?: string } = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (opts.path && req.url !== opts.path) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Length': String(body.length), 'Content-Type': 'application/octet-stream' });
    if (opts.dropAfter !== undefined) {
      res.write(body.subarray(0, opts.dropAfter), () => setTimeout(() => res.socket?.destroy(), 50));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}${opts.path ?? '/image.iso'}`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections?.();
      server.close(() => r());
    }),
  };
}
