/** Start each run with an empty screenshot folder (artifacts/screenshots/: what CI keeps). */
import { rmSync } from 'node:fs';
import { SHOTS } from './fixtures.js';

export default function globalSetup(): void {
  rmSync(SHOTS, { recursive: true, force: true });
}
