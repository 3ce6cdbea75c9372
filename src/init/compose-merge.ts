import { Override, RESET } from "./compose-source.js";
import { isMap, listOrDict, stringOf, type ComposeMap } from "./values.js";

/**
 * Merging several Compose files (`-f a.yml -f b.yml`) by the Compose Specification's rules:
 * mappings merge, sequences append, `command`/`entrypoint`/`healthcheck.test` are replaced,
 * `volumes`/`secrets`/`configs` are unique by target and `ports` by their whole value, and the
 * later file's `!reset` removes a value while `!override` replaces it without merging. Values
 * that Compose writes in two forms are merged in their long form (a `build:` string is a
 * context, an `environment:` list a map, a `depends_on:` list a map of `service_started`).
 */
export function mergeComposeFiles(files: readonly unknown[]): ComposeMap {
  let merged: unknown = {};
  for (const file of files) merged = mergeValue(merged, expandFile(file), []);
  return isMap(merged) ? merged : {};
}

/** A single file's value without markers (a `!reset` with nothing under it removes the key). */
export function withoutMarkers(value: unknown): unknown {
  if (value === RESET) return undefined;
  if (value instanceof Override) return withoutMarkers(value.value);
  if (Array.isArray(value)) return value.map(withoutMarkers).filter((v) => v !== undefined);
  if (isMap(value)) {
    const out: ComposeMap = {};
    for (const [key, v] of Object.entries(value)) {
      const clean = withoutMarkers(v);
      if (clean !== undefined) out[key] = clean;
    }
    return out;
  }
  return value;
}

const REPLACED = new Set(["command", "entrypoint", "test"]);
const UNIQUE_BY_TARGET = new Set(["volumes", "secrets", "configs"]);

function mergeValue(base: unknown, over: unknown, at: readonly string[]): unknown {
  if (over === RESET) return undefined;
  if (over instanceof Override) return withoutMarkers(over.value);
  if (base === undefined) return withoutMarkers(over);
  if (isMap(base) && isMap(over)) {
    const out: ComposeMap = { ...base };
    for (const [key, value] of Object.entries(over)) {
      const merged = mergeValue(base[key], value, [...at, key]);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) {
    const key = at[at.length - 1] ?? "";
    const inService = at[0] === "services" && at.length === 3;
    if (inService && REPLACED.has(key)) return withoutMarkers(over);
    if (at[0] === "services" && at.length === 4 && at[2] === "healthcheck" && key === "test")
      return withoutMarkers(over);
    const items = (withoutMarkers(over) as unknown[]) ?? [];
    if (inService && UNIQUE_BY_TARGET.has(key)) return uniqueBy([...base, ...items], (item) => mountTarget(key, item));
    if (inService && key === "ports") return uniqueBy([...base, ...items], (item) => JSON.stringify(item));
    return [...base, ...items];
  }
  return withoutMarkers(over);
}

/** Later entries replace earlier ones with the same key, keeping the first one's position. */
function uniqueBy(items: unknown[], keyOf: (item: unknown) => string): unknown[] {
  const byKey = new Map<string, unknown>();
  for (const item of items) {
    byKey.set(keyOf(item), item);
  }
  return [...byKey.values()];
}

/** The container path a volume, secret or config occupies (its identity when merging). */
export function mountTarget(kind: string, item: unknown): string {
  if (isMap(item)) {
    const target = stringOf(item["target"]);
    if (target !== undefined) return target;
    const source = stringOf(item["source"]) ?? "";
    return kind === "secrets" ? `/run/secrets/${source}` : kind === "configs" ? `/${source}` : JSON.stringify(item);
  }
  const text = stringOf(item) ?? "";
  if (kind === "secrets") return `/run/secrets/${text}`;
  if (kind === "configs") return `/${text}`;
  const parts = text.split(":");
  return parts.length === 1 ? text : (parts[1] ?? text);
}

/** The long form of the service fields Compose accepts in two shapes. */
function expandFile(file: unknown): unknown {
  if (!isMap(file) || !isMap(file["services"])) return file;
  const services: ComposeMap = {};
  for (const [name, service] of Object.entries(file["services"]))
    services[name] = isMap(service) ? expandService(service) : service;
  return { ...file, services };
}

function expandService(service: ComposeMap): ComposeMap {
  const out: ComposeMap = { ...service };
  const build = out["build"];
  if (typeof build === "string") out["build"] = { context: build };
  else if (isMap(build) && Array.isArray(build["args"])) out["build"] = { ...build, args: listOrDict(build["args"]) };
  for (const key of ["environment", "labels", "annotations"]) {
    if (Array.isArray(out[key])) out[key] = listOrDict(out[key]);
  }
  if (Array.isArray(out["depends_on"])) {
    out["depends_on"] = Object.fromEntries(
      out["depends_on"].map((dep) => [String(dep), { condition: "service_started", required: true }]),
    );
  }
  if (typeof out["env_file"] === "string") out["env_file"] = [out["env_file"]];
  if (typeof out["extends"] === "string") out["extends"] = { service: out["extends"] };
  return out;
}
