/**
 * Joliet escape sequences (Joliet specification 1995, 5.3): the SVD's escape sequences field
 * (ECMA-119 8.5.6, BP 89-120) names the UCS-2 level.
 */

/** UCS-2 level 1, 2 and 3 escape sequences. */
export const JOLIET_ESCAPE = { 1: '%/@', 2: '%/C', 3: '%/E' } as const;

/** The Joliet level named by an SVD's escape sequences field, or undefined when it is not Joliet. */
export function jolietLevelFromEscapes(esc: Uint8Array): 1 | 2 | 3 | undefined {
  // The sequences may appear anywhere in the 32-byte field (usually at its start).
  for (let i = 0; i + 2 < esc.length; i++) {
    if (esc[i] !== 0x25 || esc[i + 1] !== 0x2f) continue;
    const c = esc[i + 2];
    if (c === 0x40) return 1;
    if (c === 0x43) return 2;
    if (c === 0x45) return 3;
  }
  return undefined;
}
