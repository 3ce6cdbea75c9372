/**
 * Compose's variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+replacement}`, `${VAR+replacement}`, and `$$` for a
 * literal `$`. Defaults and replacements may themselves hold variables (`${A:-${B}}`).
 */

/** Looks a variable up; undefined means unset (an empty string is set). */
export type Lookup = (name: string) => string | undefined;

/** A `${VAR:?err}` whose variable is missing, or a malformed expression. */
export class InterpolationError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function interpolate(text: string, lookup: Lookup): string {
  return expand(text, 0, lookup, false).value;
}

/** Expands from `start`; inside a `${...}` (nested) it stops at the closing brace. */
function expand(text: string, start: number, lookup: Lookup, nested: boolean): { value: string; end: number } {
  let out = "";
  let i = start;
  while (i < text.length) {
    const ch = text[i];
    if (nested && ch === "}") return { value: out, end: i };
    if (ch !== "$") {
      out += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
    } else if (next === "{") {
      const braced = expandBraced(text, i + 2, lookup);
      out += braced.value;
      i = braced.end + 1;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (name === undefined) {
        // A lone `$` (e.g. "cost: 5$") stays as written, as Compose does.
        out += "$";
        i++;
      } else {
        out += lookup(name) ?? "";
        i += 1 + name.length;
      }
    }
  }
  if (nested) throw new InterpolationError(`unclosed "\${" in ${JSON.stringify(text)}`);
  return { value: out, end: i };
}

/** `text[start]` is just after `${`; returns the value and the index of the closing brace. */
function expandBraced(text: string, start: number, lookup: Lookup): { value: string; end: number } {
  const name = NAME.exec(text.slice(start))?.[0];
  if (name === undefined) throw new InterpolationError(`invalid variable name after "\${" in ${JSON.stringify(text)}`);
  let i = start + name.length;
  if (text[i] === "}") return { value: lookup(name) ?? "", end: i };
  const colon = text[i] === ":";
  if (colon) i++;
  const operator = text[i];
  if (operator === undefined) throw new InterpolationError(`unclosed "\${" in ${JSON.stringify(text)}`);
  if (operator !== "-" && operator !== "?" && operator !== "+") {
    throw new InterpolationError(
      `invalid interpolation format for "\${${name}${colon ? ":" : ""}${operator ?? ""}" in ${JSON.stringify(text)}`,
    );
  }
  const rest = expand(text, i + 1, lookup, true);
  const value = lookup(name);
  // With a colon, empty counts as unset (`:-`, `:?`, `:+`); without, only unset does.
  const missing = colon ? value === undefined || value === "" : value === undefined;
  if (operator === "-") return { value: missing ? rest.value : (value ?? ""), end: rest.end };
  if (operator === "+") return { value: missing ? "" : rest.value, end: rest.end };
  if (missing)
    throw new InterpolationError(
      `required variable ${name} is ${value === undefined ? "missing" : "empty"}${rest.value ? `: ${rest.value}` : ""}`,
    );
  return { value: value ?? "", end: rest.end };
}
