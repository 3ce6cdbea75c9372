import { interpolate, InterpolationError, type Lookup } from "./interpolate.js";

/**
 * Compose's `.env` / `env_file` format (not the `dotenv` package's: Compose interpolates
 * unquoted and double-quoted values and keeps single-quoted ones literal):
 * `KEY=value`, `export KEY=value`, `KEY="with \n escapes"`, `KEY='literal'`, `# comments`,
 * ` # inline comments` after unquoted values, and a bare `KEY` (taken from `lookup`, else left out).
 */
export function parseDotenv(text: string, lookup: Lookup = () => undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const resolve: Lookup = (name) => (name in out ? out[name] : lookup(name));
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] ?? "";
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const body = line.replace(/^export\s+/, "");
    const eq = body.indexOf("=");
    if (eq === -1) {
      const key = body.trim();
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key))
        throw new InterpolationError(`line ${index + 1}: "${raw}" is neither KEY=VALUE nor a variable name`);
      const inherited = lookup(key);
      if (inherited !== undefined) out[key] = inherited;
      continue;
    }
    const key = body.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key))
      throw new InterpolationError(`line ${index + 1}: "${key}" is not a valid variable name`);
    let value = body.slice(eq + 1).trimStart();
    const quote = value[0];
    if (quote === "'" || quote === '"') {
      // A quoted value may span lines until its closing quote.
      let closing = findClosingQuote(value, quote);
      while (closing === -1 && index + 1 < lines.length) {
        index++;
        value += `\n${lines[index] ?? ""}`;
        closing = findClosingQuote(value, quote);
      }
      if (closing === -1) throw new InterpolationError(`${key}: the ${quote} quote is never closed`);
      const inner = value.slice(1, closing);
      out[key] = quote === "'" ? inner : interpolate(unescapeDouble(inner), resolve);
      continue;
    }
    const comment = value.search(/\s#/);
    if (comment !== -1) value = value.slice(0, comment);
    out[key] = interpolate(value.trim(), resolve);
  }
  return out;
}

function findClosingQuote(value: string, quote: string): number {
  for (let i = 1; i < value.length; i++) {
    if (value[i] === "\\" && quote === '"') i++;
    else if (value[i] === quote) return i;
  }
  return -1;
}

function unescapeDouble(text: string): string {
  return text.replace(
    /\\([nrt"\\$])/g,
    (_m, c: string) => ({ n: "\n", r: "\r", t: "\t" })[c] ?? (c === "$" ? "$$" : c),
  );
}
