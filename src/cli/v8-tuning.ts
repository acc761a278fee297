/**
 * V8 tuning for `isokit create` on large trees. It changes process-wide state (V8 flags, a forced full GC),
 * so it lives here, in the CLI, and never in the library: an application calling `createImageFile` keeps its
 * own heap settings. Every flag is one that Node 20, 22 and 24 know (`test/cli/v8-tuning.test.ts` asks each
 * Node CI runs, through `node --v8-options`): V8 prints "unrecognized flag" for others instead of failing, and
 * none of this changes what is written, only peak memory.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The V8 flags set here (without values), for the test that checks the running Node knows them. */
export const V8_TUNING_FLAGS = ['semi-space-growth-factor', 'expose-gc', 'concurrent-sweeping'] as const;

/**
 * Keep V8's young generation at its initial 1 MiB semi-spaces: scanning 100,000 entries keeps most of what it
 * allocates, so V8 would grow them to 16 MiB each (+~30 MB peak RSS) for no speed gain here (measured).
 * Starting the read-ahead worker threads resets the process-wide factor to 2 (V8 clamps it when it sets up an
 * isolate's heap), after which the main thread's young generation grew to 4-8 MiB semi-spaces during the write
 * (+6-12 MB peak RSS at 100,000 files): call it again once they have started.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

let fullGc: (() => void) | null | undefined;
/**
 * One full garbage collection, between planning and writing a large tree: scanning and planning 100,000 entries
 * leave ~20 MB of garbage (stat results, name lists, sort temporaries) that V8 would otherwise carry, and grow
 * the heap around, through the whole write (peak RSS 273 → 252 MB; ~60 ms). The collector is reached through
 * a context created after `--expose-gc` is set (the main context has no `gc`); where that fails, nothing is done.
 */
export function collectGarbage(): void {
  if (fullGc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc: unknown = runInNewContext('gc');
      fullGc = typeof gc === 'function' ? (gc as () => void) : null;
    } catch {
      fullGc = null;
    }
  }
  if (!fullGc) return;
  // Swept before it returns, not by background threads: on a busy machine they lagged, the write then found
  // no free space in the unswept pages and took new ones (+15 MB peak RSS in 1 run of 10 at 100,000 files).
  setFlagsFromString('--no-concurrent-sweeping');
  try {
    fullGc();
  } finally {
    setFlagsFromString('--concurrent-sweeping');
  }
}

/** Trees of this many files and directories get the full collection before the write. */
export const COLLECT_GARBAGE_FROM_ENTRIES = 20_000;
