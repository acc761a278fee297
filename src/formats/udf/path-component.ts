/**
 * ECMA-167 4/14.16 Pathname: a sequence of Path Components, the data of a symbolic link (file type 12);
 * UDF 2.3.12.
 *
 * ```
 * RBP 0  u8      Component Type: 1 root (an implementation's root when L_CI > 0), 2 root of the file set's
 *                directory hierarchy, 3 parent (".."), 4 current ("."), 5 a named component
 * RBP 1  u8      Length of Component Identifier (L_CI)
 * RBP 2  u16     Component File Version Number (0)
 * RBP 4  d-chars Component Identifier (L_CI bytes of CS0; only for type 5, or type 1)
 * ```
 * Linux writes "/" as a type-1 component with L_CI 0, and reads types 1 and 2 as "/"; this module does the
 * same.
 */
import { readU16LE, writeU16LE } from '../../bytes/index.js';
import { concatBytes } from '../../bytes/index.js';
import { decodeCs0, encodeCs0 } from './cs0.js';

export const PathComponentType = { ROOT: 1, FILE_SET_ROOT: 2, PARENT: 3, CURRENT: 4, NAMED: 5 } as const;

export interface PathComponent {
  readonly type: number;
  readonly fileVersionNumber: number;
  /** CS0 bytes, compression ID first (a view into the input) */
  readonly identifier: Uint8Array;
}

/** The components in `b`; `rest` > 0 when a component runs past the end (the bytes left over). */
export function parsePathComponents(b: Uint8Array): { components: PathComponent[]; rest: number } {
  const components: PathComponent[] = [];
  let o = 0;
  while (o + 4 <= b.length) {
    const len = b[o + 1] as number;
    if (o + 4 + len > b.length) break;
    components.push({ type: b[o] as number, fileVersionNumber: readU16LE(b, o + 2), identifier: b.subarray(o + 4, o + 4 + len) });
    o += 4 + len;
  }
  return { components, rest: b.length - o };
}

export function serializePathComponents(components: readonly PathComponent[]): Uint8Array {
  return concatBytes(components.map((c) => {
    const b = new Uint8Array(4 + c.identifier.length);
    b[0] = c.type;
    b[1] = c.identifier.length;
    writeU16LE(b, 2, c.fileVersionNumber);
    b.set(c.identifier, 4);
    return b;
  }));
}

/**
 * The symbolic link target the components spell ("/a/b", "../x", "."), and what was odd about them
 * (an unknown type, an identifier that is not CS0, a named component containing "/" or NUL).
 */
export function symlinkTargetOf(components: readonly PathComponent[]): { target: string; problems: string[] } {
  const parts: string[] = [];
  const problems: string[] = [];
  let absolute = false;
  for (const c of components) {
    switch (c.type) {
      case PathComponentType.ROOT:
      case PathComponentType.FILE_SET_ROOT:
        if (c.type === PathComponentType.ROOT && c.identifier.length > 0) problems.push('a root component names an implementation-specific root (read as "/")');
        parts.length = 0;
        absolute = true;
        break;
      case PathComponentType.PARENT: parts.push('..'); break;
      case PathComponentType.CURRENT: parts.push('.'); break;
      case PathComponentType.NAMED: {
        const name = decodeCs0(c.identifier, 0, c.identifier.length).text;
        if (name === undefined) problems.push(`component identifier with compression ID ${c.identifier[0]}`);
        else if (name === '' || name.includes('/') || name.includes('\0')) problems.push(`component name ${JSON.stringify(name)} is not usable`);
        parts.push((name ?? '_').replace(/[/\0]/g, '_') || '_');
        break;
      }
      default:
        problems.push(`unknown component type ${c.type}`);
    }
  }
  return { target: (absolute ? '/' : '') + parts.join('/'), problems };
}

/** Path components for a symbolic link target (empty segments are dropped, "/" becomes a type-1 component). */
export function pathComponentsOf(target: string): PathComponent[] {
  const out: PathComponent[] = [];
  const none = new Uint8Array(0);
  if (target.startsWith('/')) out.push({ type: PathComponentType.ROOT, fileVersionNumber: 0, identifier: none });
  for (const seg of target.split('/')) {
    if (seg === '') continue;
    if (seg === '.') out.push({ type: PathComponentType.CURRENT, fileVersionNumber: 0, identifier: none });
    else if (seg === '..') out.push({ type: PathComponentType.PARENT, fileVersionNumber: 0, identifier: none });
    else out.push({ type: PathComponentType.NAMED, fileVersionNumber: 0, identifier: encodeCs0(seg) });
  }
  return out;
}
