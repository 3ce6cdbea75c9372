import type { FieldPath } from "./field-path.js";

/** A key the schema does not declare, with the ones it does (for "did you mean"). */
export interface UndeclaredField {
  path: FieldPath;
  declared: string[];
}

interface TrackedObject {
  path: FieldPath;
  value: object;
  list: boolean;
  /** Keys the validator looked at, present or not. */
  read: Set<string>;
  /** The validator listed the keys: a map (labels, data) or an open object, where any key goes. */
  enumerated: boolean;
}

/**
 * Finds the fields a compiled schema validator does not know, for the schemas that do not say
 * `additionalProperties: false` (Kubernetes' OpenAPI schemas never do, yet the API server's strict
 * field validation — kubectl's default — rejects unknown fields).
 *
 * kubernetes-models' validators are Ajv code generated from those schemas: for an object they
 * read every property the schema declares (`data.selector`, `data.template`, …, also the ones
 * that are absent), and for a map (`additionalProperties: {…}`: labels, ConfigMap data) they list
 * its keys. So the value is wrapped in proxies that record what the validator reads: in an
 * object it read some keys of and did not list, the keys it never read are undeclared. Objects it
 * read nothing of (a free-form field such as a CRD's `default`) are not judged. `declaredUnread`
 * names fields a validator is known to skip though its type declares them, by what it did read.
 */
export function trackFields(
  value: unknown,
  options: { declaredUnread?: (read: ReadonlySet<string>) => readonly string[] } = {},
): { tracked: unknown; undeclared(): UndeclaredField[] } {
  const objects: TrackedObject[] = [];
  const tracked = wrap(value, [], objects);
  return {
    tracked,
    undeclared: () =>
      objects.flatMap((o) => {
        if (o.list || o.enumerated || o.read.size === 0) return [];
        for (const field of options.declaredUnread?.(o.read) ?? []) o.read.add(field);
        const declared = [...o.read];
        return Object.keys(o.value)
          .filter((key) => !o.read.has(key))
          .map((key) => ({ path: [...o.path, key], declared }));
      }),
  };
}

function wrap(value: unknown, path: FieldPath, objects: TrackedObject[]): unknown {
  if (typeof value !== "object" || value === null) return value;
  const record: TrackedObject = { path, value, list: Array.isArray(value), read: new Set(), enumerated: false };
  objects.push(record);
  const children = new Map<string, unknown>();
  return new Proxy(value, {
    get(target, key, receiver) {
      const child: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== "string") return child;
      record.read.add(key);
      if (typeof child !== "object" || child === null || !Object.hasOwn(target, key)) return child;
      if (!children.has(key)) children.set(key, wrap(child, [...path, record.list ? Number(key) : key], objects));
      return children.get(key);
    },
    has(target, key) {
      if (typeof key === "string") record.read.add(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      record.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}
