/**
 * The Create page: folders (and files) from the allowed folders, a label, optional boot settings, the exact
 * size before anything is written (`createImageFile({ dryRun })`, what `create --print-size` runs), then the
 * image written as `isokit create` writes it (atomically: `.NAME.partial` renamed when complete) and verified:
 * the structural check (`checkImage`, as `isokit check`), the image read back (its file and folder counts must
 * be the plan's) and its SHA-256.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  checkImage, createImageFile, hashFile, openImageFile, readTemplateFile, walkTree, type CreateImageOptions, type GraftSource,
} from '../../node/index.js';
import type { App } from './app.js';
import { UDF_WRITER } from './backends.js';
import { ApiError } from './errors.js';
import { Fields, type Router } from './http.js';
import type { JobContext } from './jobs.js';
import { resolveExisting, resolveNew } from './roots.js';

type BootSpec = NonNullable<CreateImageOptions['bootSpec']>;

/** Boot settings as the page offers them: BIOS and UEFI El Torito images (paths in the image), a hybrid MBR. */
async function bootSpecOf(f: Fields, app: App): Promise<BootSpec | undefined> {
  const bios = f.optStr('bootBios');
  const efi = f.optStr('bootEfi');
  const mbr = f.optStr('hybridMbr');
  const gpt = f.bool('gpt');
  if (!bios && !efi) {
    if (mbr || gpt) throw new ApiError(400, 'BAD_FIELD', 'a hybrid MBR or GPT needs a BIOS or UEFI boot image');
    return undefined;
  }
  if (mbr && !bios) throw new ApiError(400, 'BAD_FIELD', 'a hybrid MBR needs the BIOS boot image it loads');
  const inImage = (p: string) => '/' + p.replace(/^\/+/, '');
  return {
    entries: [
      ...(bios ? [{ platform: 'bios' as const, image: { kind: 'file' as const, path: inImage(bios) }, bootInfoTable: f.bool('bootInfoTable') }] : []),
      ...(efi ? [{ platform: 'efi' as const, image: { kind: 'file' as const, path: inImage(efi) }, ...(gpt && mbr ? { isohybridGpt: 'basdat' as const } : {}) }] : []),
    ],
    catalog: { path: '/boot.catalog' },
    systemArea: {
      ...(mbr ? { template: await readTemplateFile(resolveExisting(app.roots, mbr)), kind: 'isohybrid' as const } : {}),
      gpt,
      ...(gpt && !mbr && efi ? { efiBootPart: { kind: 'el-torito-efi-image' as const } } : {}),
    },
  };
}

async function createOptions(f: Fields, app: App, output: string, dryRun: boolean): Promise<CreateImageOptions> {
  const sources: GraftSource[] = f.strs('sources', { min: 1 }).map((p) => ({ path: resolveExisting(app.roots, p) }));
  const label = f.optStr('label');
  if (label !== undefined && label.length > 32) throw new ApiError(400, 'BAD_FIELD', 'the label has at most 32 characters');
  const isoLevel = f.int('isoLevel', 1, 4) as 1 | 2 | 3 | 4 | undefined;
  if (f.bool('udf') && !UDF_WRITER) throw new ApiError(501, 'NOT_AVAILABLE', 'UDF is not available in this build of isokit (it has no UDF writer yet)', 'leave UDF off: Rock Ridge and Joliet cover Linux, macOS and Windows');
  const bootSpec = await bootSpecOf(f, app);
  return {
    sources,
    output,
    dryRun,
    ...(label ? { volumeId: label } : {}),
    ...(isoLevel ? { isoLevel } : {}),
    joliet: f.bool('joliet', true),
    rockRidge: f.bool('rockRidge', true),
    dateMs: Date.now(),
    ...(bootSpec ? { bootSpec } : {}),
    ...(f.bool('udf') && UDF_WRITER ? ({ udf: true } as object) : {}),
  };
}

/** Read the new image back: structure, counts against the plan, SHA-256. */
async function verifyCreated(output: string, expected: { files: number; directories: number }, job: JobContext) {
  job.progress({ phase: 'checking', bytes: 0 });
  const image = await openImageFile(output, { signal: job.signal });
  let check;
  let files = 0, directories = 0;
  try {
    check = await checkImage(image.source, { signal: job.signal });
    // the plan counts the root folder too
    for (const { node } of walkTree(image.tree)) {
      if (node.kind === 'dir') directories++;
      else if (node.kind === 'file') files++;
    }
  } finally {
    await image.source.close?.();
  }
  const size = statSync(output).size;
  const digests = await hashFile(output, ['sha256'], { signal: job.signal, onProgress: (p) => job.progress({ ...p, phase: 'hashing' }) });
  const countsMatch = files === expected.files && directories === expected.directories;
  return { ok: check.ok && countsMatch, structure: { ok: check.ok, errors: check.errors, warnings: check.warnings, findings: check.findings.slice(0, 20) }, readBack: { files, directories, countsMatch }, byteLength: size, sha256: digests.sha256 };
}

export function createRoutes(router: Router, app: App): void {
  router.post('/api/create/plan', async ({ fields }) => {
    const report = await createImageFile(await createOptions(fields, app, '-', true));
    const s = report.layout.stats;
    return { byteLength: report.byteLength, blockCount: report.blockCount, files: s.files, directories: s.directories, symlinks: s.symlinks, findings: report.layout.findings.slice(0, 20).map((x) => x.message) };
  });

  router.post('/api/create/start', async ({ fields }) => {
    const output = resolveNew(app.roots, fields.str('output'));
    if (existsSync(output) && !fields.bool('overwrite')) throw new ApiError(409, 'EXISTS', `${path.basename(output)} exists already`, 'choose another name, or allow replacing it');
    const opts = await createOptions(fields, app, output, false);
    return {
      job: app.hub.start('create', async (job) => {
        const report = await createImageFile({
          ...opts,
          signal: job.signal,
          onProgress: (p) => job.progress({ ...p, phase: p.phase === 'scan' ? 'scanning' : 'writing' }),
          onWarning: (m) => job.message('warn', m),
          onFileChanged: (c) => job.message('warn', `${c.path} changed while the image was written (${c.reason}); stored as ${c.plannedByteLength} bytes`),
        });
        const s = report.layout.stats;
        const verification = await verifyCreated(report.output, { files: s.files, directories: s.directories }, job);
        return { output: report.output, byteLength: report.byteLength, files: s.files, directories: s.directories, verification };
      }),
    };
  });
}
