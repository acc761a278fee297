/** One progress line on a terminal, redrawn in place at most 10 times a second (burn, rip). */
import type { CliContext } from '../context.js';

export function ttyLine<T extends { phase: string }>(ctx: CliContext, format: (p: T) => string): { update: (p: T) => void; done: () => void } {
  let last = 0;
  let drawn = false;
  return {
    update: (p) => {
      const now = Date.now();
      if (now - last < 100 && p.phase !== 'done') return;
      last = now;
      ctx.stderr.write(`\r\x1b[2K${format(p)}`);
      drawn = true;
    },
    done: () => {
      if (drawn) ctx.stderr.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
