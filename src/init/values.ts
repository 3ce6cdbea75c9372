/** Small readers for the loosely typed data of a parsed Compose file. */

export type ComposeMap = Record<string, unknown>;

export function isMap(value: unknown): value is ComposeMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function mapOf(value: unknown): ComposeMap {
  return isMap(value) ? value : {};
}

export function stringOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

export function stringList(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.map(stringOf).filter((v): v is string => v !== undefined) : [];
}

/** Compose's `list_or_dict` (`["A=1", "B"]` or `{A: 1, B: null}`) as a map; `null`: no value given. */
export function listOrDict(value: unknown): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = stringOf(item);
      if (text === undefined) continue;
      const eq = text.indexOf("=");
      if (eq === -1) out[text] = null;
      else out[text.slice(0, eq)] = text.slice(eq + 1);
    }
  } else if (isMap(value)) {
    for (const [key, v] of Object.entries(value))
      out[key] = v === null || v === undefined ? null : (stringOf(v) ?? JSON.stringify(v));
  }
  return out;
}

/** "yes"/"true"/true, as Compose accepts booleans that interpolation turned into strings. */
export function truthy(value: unknown): boolean {
  return value === true || (typeof value === "string" && /^(true|yes|on|1)$/i.test(value));
}
