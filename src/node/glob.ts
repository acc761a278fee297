/**
 * Shell-style patterns matched against image paths ('/'-separated, no leading slash): `*` and `?` stay
 * inside one component, `**` spans any number of components (`a/**` matches everything below a, `**∕x`
 * matches x at any depth). Everything else is literal.
 */
export function hasGlobChars(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/** Normalise a user-given image path: drop leading/trailing slashes and `.` components. */
export function normaliseImagePath(p: string): string {
  return p.split('/').filter((c) => c !== '' && c !== '.').join('/');
}

export function globToRegExp(pattern: string): RegExp {
  const p = normaliseImagePath(pattern);
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '*') {
      if (p[i + 1] === '*') {
        const atStart = i === 0 || p[i - 1] === '/';
        i++;
        if (atStart && p[i + 1] === '/') {
          re += '(?:.*/)?';
          i++;
        } else {
          re += '.*';
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`, 's');
}
