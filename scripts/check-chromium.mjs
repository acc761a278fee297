#!/usr/bin/env node
// Before the browser tests: compare Debian's Chromium (or $CHROMIUM_PATH) with the Chromium the pinned Playwright
// was made for (node_modules/playwright-core/browsers.json). Playwright speaks CDP without a version handshake;
// what breaks is a browser OLDER than Playwright expects (missing CDP methods), so that fails under CI=true and
// warns elsewhere; a newer browser is the safe direction (Debian's security updates move it every ~4 weeks) and
// is only reported. A missing browser: the e2e tests skip themselves (fail under CI).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CI = process.env.CI === 'true';
const exe = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const fail = (msg) => {
  console.error(`check-chromium: ${msg}`);
  process.exit(CI ? 1 : 0);
};

const browsers = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/playwright-core/browsers.json'), 'utf8'));
const pwVersion = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/playwright-core/package.json'), 'utf8')).version;
const bundled = browsers.browsers.find((b) => b.name === 'chromium')?.browserVersion ?? '';
if (!existsSync(exe)) fail(`${exe} not found (Debian package chromium): the browser tests will ${CI ? 'fail' : 'be skipped'}`);
const r = spawnSync(exe, ['--version'], { encoding: 'utf8' });
const found = /(\d+)\.(\d+)\.(\d+)\.(\d+)/.exec(r.stdout ?? '');
if (!found) fail(`could not read the version of ${exe}: ${(r.stderr ?? '').trim()}`);
const major = Number(found[1]);
const wanted = Number(bundled.split('.')[0]);
const line = `Chromium ${found[0]} (${exe}); Playwright ${pwVersion} was made for Chromium ${bundled}`;
if (major < wanted) fail(`${line}: the browser is older than Playwright expects — pin an older @playwright/test or update chromium`);
console.log(`check-chromium: ${line}${major > wanted ? ' (the browser is newer: fine; consider moving the pin)' : ''}`);
