import { intOption, parseCommandArgs } from '../args.js';
import { Exit, type CliContext } from '../context.js';

export const summary = 'open the web app (create, open, verify, write, burn) in your browser';
export const usage = `usage: isokit ui [--port N] [--no-open] [--root DIR]...

Starts a local web app on http://127.0.0.1:PORT and opens it in your browser: write sticks, burn discs,
create, open, verify and rip images by clicking. The URL it prints carries a secret token: only a browser
that opened it may use the app. It listens on 127.0.0.1 only; stop it with Ctrl-C.

  --port N     port to listen on (default: any free port)
  --no-open    print the URL, do not open a browser
  --root DIR   a folder the app may read and write (repeatable; default: your home folder, the current
               folder, /media, /run/media/USER and /mnt)
  --json       print {"url","port","roots"} as one JSON line instead of text

Writing a USB stick that only root may write starts a one-shot writer process with administrator rights
(pkexec asks for the password); the server itself never runs as root. The same folder holds the
browser-only page (dist/web/offline.html), which opens and builds ISOs without any server.
`;

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(argv, { port: { type: 'string' }, 'no-open': { type: 'boolean' }, root: { type: 'string', multiple: true } }, { allowPositionals: false });
  const port = intOption(values.port, '--port', 0, 65535) as number | undefined;
  const [{ startUiServer }, { openInBrowser }, { readFileSync }] = await Promise.all([import('../../web/server/server.js'), import('../../web/server/open-browser.js'), import('node:fs')]);
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  const server = await startUiServer({ ...(port !== undefined ? { port } : {}), ...(values.root?.length ? { roots: values.root } : {}), version: pkg.version });
  if (values.json) ctx.stdout.write(JSON.stringify({ url: server.url, port: server.port, roots: server.roots }) + '\n');
  else ctx.stdout.write(`isokit ui: ${server.url}\nfolders: ${server.roots.join(', ')}\nstop with Ctrl-C\n`);
  let opened: { cleanup: () => void } | undefined;
  if (!values['no-open']) {
    opened = openInBrowser(server.url, (why) => ctx.stderr.write(`isokit: could not open a browser (${why}): open the URL above\n`));
  }
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  opened?.cleanup();
  await server.close();
  return Exit.OK;
}
