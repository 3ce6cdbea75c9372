/**
 * Minimal path globs for `lint.ignore`: `*` (within a segment), `**` (any number of segments),
 * `?`, `[abc]`, `{a,b}`. A pattern without `/` matches the file's base name in any folder.
 */

const cache = new Map<string, RegExp>();

function escapeRegExp(ch: string): string {
  return /[.+^$()|\\]/.test(ch) ? `\\${ch}` : ch;
}

export function globToRegExp(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  let p = pattern.replace(/\\/g, "/").replace(/^\.\//, "");
  if (!p.includes("/")) p = `**/${p}`;
  if (p.endsWith("/")) p += "**";
  let re = "";
  let braces = 0;
  for (let i = 0; i < p.length; i++) {
    const ch = p[i] as string;
    if (ch === "*") {
      if (p[i + 1] === "*") {
        const atSegmentStart = i === 0 || p[i - 1] === "/";
        const atSegmentEnd = i + 2 === p.length || p[i + 2] === "/";
        if (atSegmentStart && atSegmentEnd) {
          // "**/" → zero or more directories; trailing "**" → anything
          if (p[i + 2] === "/") {
            re += "(?:[^/]*/)*";
            i += 2;
          } else {
            re += ".*";
            i += 1;
          }
          continue;
        }
      }
      re += "[^/]*";
    } else if (ch === "?") re += "[^/]";
    else if (ch === "[") {
      const close = p.indexOf("]", i + 1);
      if (close < 0) re += "\\[";
      else {
        const body = p
          .slice(i + 1, close)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        re += `[${body}]`;
        i = close;
      }
    } else if (ch === "{") {
      braces++;
      re += "(?:";
    } else if (ch === "}" && braces > 0) {
      braces--;
      re += ")";
    } else if (ch === "," && braces > 0) re += "|";
    else re += escapeRegExp(ch);
  }
  const compiled = new RegExp(`^${re}$`);
  cache.set(pattern, compiled);
  return compiled;
}

/** `relPath` uses forward slashes and is relative to the config's base directory. */
export function matchesGlob(relPath: string, pattern: string): boolean {
  return globToRegExp(pattern).test(relPath.replace(/\\/g, "/").replace(/^\.\//, ""));
}
