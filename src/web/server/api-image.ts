/**
 * The Open page and the checks any image can get: what an image is (the `write --mode auto` inspection), its
 * info (the `info --json` object), one folder of a namespace's tree at a time (the `ls --json` entries), a text
 * preview, a file download, extraction, hashes, verification against checksum files and keyrings, and the
 * structural check. Each is the library call the CLI command makes.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  checkImage, entryJson, extractTree, findNode, findReferenceFiles, hashFile, imageNamespaces, infoJson, inspectImageHead,
  jsonReplacer, listEntries, openSource, parseAlgorithmList, previewContent, verifyImageFile, type TreeNode,
} from '../../node/index.js';
import type { App } from './app.js';
import { ApiError } from './errors.js';
import { HANDLED, type Router } from './http.js';
import { resolveExisting } from './roots.js';
import { SECURITY_HEADERS } from './security.js';

/** JSON-safe copy (byte arrays as hex, bigints as text), as the CLI prints it. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, jsonReplacer));

function readHead(file: string, byteLength: number): Uint8Array {
  const buf = new Uint8Array(byteLength);
  const fd = openSync(file, 'r');
  try {
    return buf.subarray(0, readSync(fd, buf, 0, byteLength, 0));
  } finally {
    closeSync(fd);
  }
}

async function nodeAt(app: App, id: string, ns: string | undefined, p: string): Promise<TreeNode> {
  const node = findNode(await app.images.tree(id, ns), p);
  if (!node) throw new ApiError(404, 'NOT_FOUND', `${p} is not in this image`, 'choose it again from the list');
  return node;
}

export function imageRoutes(router: Router, app: App): void {
  treeRoutes(router, app);
  checkRoutes(router, app);
}

/** What an image is and what its trees hold: inspect, open, ls, preview, raw download, extract. */
function treeRoutes(router: Router, app: App): void {
  router.post('/api/image/inspect', async ({ fields }) => {
    const file = resolveExisting(app.roots, fields.str('path'));
    const st = statSync(file);
    if (!st.isFile()) throw new ApiError(400, 'NOT_A_FILE', `${file} is not a file`, 'choose an image file (.iso, .img)');
    const inspection = await inspectImageHead(readHead(file, 1 << 20));
    const referenceFiles = (await findReferenceFiles(file)).map((f) => path.basename(f));
    return { path: file, byteLength: st.size, inspection, referenceFiles };
  });

  router.post('/api/image/open', async ({ fields }) => {
    const file = resolveExisting(app.roots, fields.str('path'));
    const { id, image } = await app.images.add(file);
    return { id, path: file, info: plain(infoJson(image, file)), namespaces: imageNamespaces(image), namespace: image.namespace };
  });

  router.get('/api/image/ls', async ({ fields }) => {
    const p = fields.optStr('path') ?? '/';
    const node = await nodeAt(app, fields.str('id'), fields.optStr('ns'), p);
    const entries = listEntries(node).map((e) => {
      const j = entryJson(e);
      delete j.extents;
      return j;
    });
    return { path: p, entries: plain(entries) };
  });

  router.get('/api/image/preview', async ({ fields }) => {
    const node = await nodeAt(app, fields.str('id'), fields.optStr('ns'), fields.str('path'));
    if (node.kind !== 'file' || !node.content) throw new ApiError(400, 'NOT_A_FILE', 'only files can be previewed');
    return previewContent(node.content);
  });

  router.get('/api/image/raw', async ({ fields, res }) => {
    const node = await nodeAt(app, fields.str('id'), fields.optStr('ns'), fields.str('path'));
    if (node.kind !== 'file' || !node.content) throw new ApiError(400, 'NOT_A_FILE', 'only files can be downloaded');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'application/octet-stream',
      'Content-Length': node.content.byteLength,
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(node.name)}`,
    });
    for await (const c of node.content.stream({ chunkSize: 1 << 20 })) {
      if (!res.write(c)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
    return HANDLED;
  });

  router.post('/api/image/extract', async ({ fields }) => {
    const id = fields.str('id');
    const ns = fields.optStr('ns');
    const select = fields.strs('paths');
    const dest = resolveExisting(app.roots, fields.str('dest'));
    const overwrite = fields.bool('overwrite');
    const tree = await app.images.tree(id, ns);
    return {
      job: app.hub.start('extract', (job) =>
        extractTree(tree, dest, { select, overwrite, signal: job.signal, onProgress: (p) => job.progress({ ...p, phase: 'extracting' }) })),
    };
  });

}

/** The checks of an image file: hashes, verification against checksum files and keyrings, structure. */
function checkRoutes(router: Router, app: App): void {
  router.post('/api/hash', async ({ fields }) => {
    const file = resolveExisting(app.roots, fields.str('path'));
    const algorithms = parseAlgorithmList(fields.optStr('algorithms') ?? 'sha256');
    return {
      job: app.hub.start('hash', async (job) => ({
        path: file,
        byteLength: statSync(file).size,
        digests: await hashFile(file, algorithms, { signal: job.signal, onProgress: (p) => job.progress({ ...p, phase: 'hashing' }) }),
      })),
    };
  });

  router.post('/api/verify', async ({ fields }) => {
    const file = resolveExisting(app.roots, fields.str('path'));
    const sums = fields.optStr('sums');
    const keyring = fields.strs('keyring').map((k) => resolveExisting(app.roots, k));
    const expect = fields.optStr('expect');
    const sumsPath = sums !== undefined ? resolveExisting(app.roots, sums) : undefined;
    return {
      job: app.hub.start('verify', (job) =>
        verifyImageFile(file, {
          ...(sumsPath ? { sums: sumsPath } : {}),
          ...(expect ? { expect } : {}),
          ...(keyring.length ? { keyring } : {}),
          signal: job.signal,
          onProgress: (p) => job.progress({ ...p, phase: 'verifying' }),
        })),
    };
  });

  router.post('/api/check', async ({ fields }) => {
    const file = resolveExisting(app.roots, fields.str('path'));
    return {
      job: app.hub.start('check', async (job) => {
        const source = await openSource(file, { signal: job.signal });
        try {
          return plain({ path: file, ...(await checkImage(source, { signal: job.signal })) });
        } finally {
          await source.close?.();
        }
      }),
    };
  });
}
