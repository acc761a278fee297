/**
 * End-to-end tests of `isokit ui` and the browser-only page: @playwright/test driving Debian's Chromium
 * (`/usr/bin/chromium`, or $CHROMIUM_PATH) — Playwright's own browser download is not used. The Playwright
 * version is pinned to the release whose bundled Chromium has Debian's major version (1.64.1 ↔ 156);
 * scripts/check-chromium.mjs compares them before the run. Screenshots of every step go to
 * artifacts/screenshots/ (gitignored; CI keeps them as artifacts). Run with `npm run test:web`.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  outputDir: '../../.test-tmp/playwright',
  timeout: 180_000,
  expect: { timeout: 20_000 },
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    actionTimeout: 20_000,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
  projects: [{ name: 'debian-chromium', use: { browserName: 'chromium' } }],
});
