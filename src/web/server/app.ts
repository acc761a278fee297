/** What every API handler can reach: the allowed folders, the job hub, the open images, test overrides. */
import type { ListDrivesOptions } from '../../node/index.js';
import type { ImageSessions } from './images.js';
import type { JobHub } from './jobs.js';
import type { Roots } from './roots.js';

export interface App {
  readonly roots: Roots;
  readonly hub: JobHub;
  readonly images: ImageSessions;
  /** drive listing overrides (tests: sysfs roots); default: this machine */
  readonly drives: Omit<ListDrivesOptions, 'all'>;
}
