/**
 * Open the signed-in URL in the user's browser without putting the token on a command line (where `ps` shows it
 * to every user): write a 0600 redirect page into a private temporary folder and open that file (Jupyter's
 * `jpserver-*-open.html` trick). The file is removed when the server stops.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The command that opens a file with the desktop's default browser. */
export function openerFor(platform: NodeJS.Platform, file: string): string[] {
  if (platform === 'darwin') return ['open', file];
  if (platform === 'win32') return ['cmd', '/c', 'start', '""', file];
  return ['xdg-open', file];
}

export function redirectPage(url: string): string {
  const u = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${u}"><title>isokit ui</title><p><a href="${u}">Open isokit</a></p>\n`;
}

export function openInBrowser(url: string, onFail: (why: string) => void): { cleanup: () => void } {
  const dir = mkdtempSync(path.join(process.env.XDG_RUNTIME_DIR || os.tmpdir(), 'isokit-ui-'));
  const file = path.join(dir, 'open.html');
  writeFileSync(file, redirectPage(url), { mode: 0o600 });
  const [cmd, ...args] = openerFor(process.platform, file);
  try {
    const child = spawn(cmd as string, args, { detached: true, stdio: 'ignore' });
    child.on('error', (e) => onFail(e.message));
    child.unref();
  } catch (e) {
    onFail((e as Error).message);
  }
  return { cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
