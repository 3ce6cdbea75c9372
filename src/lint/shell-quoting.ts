/**
 * Where quoted strings and `$(...)` substitutions end, and which characters end a word: the
 * lexical rules the tokenizer (`shell-tokenizer.ts`) shares between words, double quotes and
 * nested substitutions.
 */

export function isWordBreak(ch: string): boolean {
  return (
    ch === " " ||
    ch === "\t" ||
    ch === "\n" ||
    ch === "\r" ||
    ch === ";" ||
    ch === "&" ||
    ch === "|" ||
    ch === "(" ||
    ch === ")" ||
    ch === "<" ||
    ch === ">"
  );
}

/** Finds the offset just past the `)` matching a `$(` whose content starts at `i`. */
export function skipParenSubstitution(src: string, i: number): number {
  let depth = 1;
  while (i < src.length) {
    const ch = src[i];
    if (ch === "\\") {
      i += 2;
      continue;
    }
    if (ch === "'") {
      const close = src.indexOf("'", i + 1);
      i = close < 0 ? src.length : close + 1;
      continue;
    }
    if (ch === '"') {
      i = skipDoubleQuoted(src, i + 1);
      continue;
    }
    if (ch === "(") depth++;
    else if (ch === ")") {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return src.length;
}

/** Offset just past the closing `"` of a double-quoted string whose content starts at `i`. */
export function skipDoubleQuoted(src: string, i: number): number {
  while (i < src.length) {
    const ch = src[i];
    if (ch === "\\") {
      i += 2;
      continue;
    }
    if (ch === '"') return i + 1;
    if (ch === "$" && src[i + 1] === "(") {
      i = skipParenSubstitution(src, i + 2);
      continue;
    }
    i++;
  }
  return src.length;
}
