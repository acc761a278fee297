/**
 * The writer process of `isokit ui` (see writer.ts): one request as a JSON line on stdin, `writeImage` with the
 * targets checked again right before writing, JSON lines on stdout. Closing stdin cancels the write.
 */
import { ErrorCode, IsoKitError, writeImage } from '../../node/index.js';
import { userError } from './errors.js';
import { revalidateTargets } from './targets.js';
import type { WriterRequest } from './writer.js';

const say = (o: Record<string, unknown>): void => {
  process.stdout.write(JSON.stringify(o) + '\n');
};

function readRequest(onEnd: () => void): Promise<WriterRequest> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let done = false;
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => {
      if (done) return;
      buf += d;
      const i = buf.indexOf('\n');
      if (i < 0) return;
      done = true;
      try {
        resolve(JSON.parse(buf.slice(0, i)) as WriterRequest);
      } catch (e) {
        reject(e);
      }
    });
    process.stdin.on('end', () => {
      if (!done) reject(new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'no write request on stdin'));
      else onEnd();
    });
  });
}

async function main(): Promise<number> {
  const controller = new AbortController();
  const req = await readRequest(() => controller.abort(new IsoKitError(ErrorCode.ABORTED, 'cancelled')));
  const summary = await writeImage({
    image: req.image,
    targets: req.targets.map((t) => t.path),
    mode: 'auto',
    verify: req.verify,
    signal: controller.signal,
    confirm: async (plan) => {
      revalidateTargets(req.targets, plan.targets);
      say({ type: 'message', level: 'info', text: `targets checked again: ${plan.targets.map((t) => t.description).join('; ')}` });
      return true;
    },
    onProgress: (p) => say({ type: 'progress', ...p }),
    onMessage: (level, text) => say({ type: 'message', level, text }),
  });
  say({ type: 'summary', summary });
  return summary.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    say({ type: 'error', error: userError(e) });
    process.exit(1);
  },
);
