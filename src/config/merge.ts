/**
 * Merges an included fragment under the including file: maps merge key by key, the
 * including file wins for scalars and lists, and `null` removes an inherited key.
 */
export function mergeUnder(base: unknown, override: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(override)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) {
      if (value === null) delete out[key];
      else out[key] = key in out ? mergeUnder(out[key], value) : value;
    }
    return out;
  }
  return override === undefined ? base : override;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
