/** Names every namespace reader shares: which names cannot be shown as they are, and what is shown instead. */

/** A name that cannot be a path component: empty, '.', '..', or holding '/' or NUL. */
export const badName = (n: string | undefined): boolean => !n || n === '.' || n === '..' || n.includes('/') || n.includes('\0');

/** The name shown for an unusable one (`badName`): '/' and NUL become '_', '.' and '..' get a '_' prefix, '' is '_'. */
export function replacementName(name: string): string {
  const n = (name || '_').replace(/[/\0]/g, '_');
  return n === '.' || n === '..' ? `_${n}` : n;
}
