/** One challenge of a `WWW-Authenticate` header: `Bearer realm="...",service="...",scope="..."`. */
export interface AuthChallenge {
  /** Lower case: "basic", "bearer". */
  scheme: string;
  params: Record<string, string>;
}

/** Splits on commas outside quoted strings. */
function splitOutsideQuotes(header: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i]!;
    if (quoted && c === "\\" && i + 1 < header.length) {
      current += c + header[++i]!;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === "," && !quoted) {
      parts.push(current.trim());
      current = "";
    } else current += c;
  }
  parts.push(current.trim());
  return parts.filter((p) => p !== "");
}

const PARAM = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(.*))$/s;
const SCHEME = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s+(.*))?$/s;

/**
 * Parses a `WWW-Authenticate` header (RFC 7235): one or more challenges, each a scheme and
 * comma-separated `key=value` or `key="quoted, value"` parameters.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  const addParam = (text: string): void => {
    const current = challenges.at(-1);
    const match = PARAM.exec(text);
    if (!current || !match) return; // a token68 (no parameters we use) or noise
    current.params[match[1]!.toLowerCase()] =
      match[2] !== undefined ? match[2].replace(/\\(.)/g, "$1") : (match[3] ?? "").trim();
  };
  for (const part of splitOutsideQuotes(header)) {
    if (PARAM.test(part) && challenges.length > 0) {
      addParam(part);
      continue;
    }
    const scheme = SCHEME.exec(part);
    if (!scheme) continue;
    challenges.push({ scheme: scheme[1]!.toLowerCase(), params: {} });
    if (scheme[2]) addParam(scheme[2].trim());
  }
  return challenges;
}
