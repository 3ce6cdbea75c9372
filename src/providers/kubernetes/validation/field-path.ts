/** A field's place inside an object: keys and list indexes, e.g. ["spec", "containers", 0, "image"]. */
export type FieldPath = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * The path as the API server writes it in strict decoding errors:
 * `spec.template.spec.containers[0].imagePullPolicy`; keys that are not plain words are quoted,
 * `metadata.labels["app.kubernetes.io/name"]`.
 */
export function displayPath(path: FieldPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** An Ajv `instancePath` (JSON pointer) as a path, with list indexes as numbers where the value is a list. */
export function pathOfPointer(pointer: string, root: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  let current = root;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const segment = Array.isArray(current) && /^\d+$/.test(key) ? Number(key) : key;
    path.push(segment);
    current =
      typeof current === "object" && current !== null
        ? (current as Record<string | number, unknown>)[segment]
        : undefined;
  }
  return path;
}

/** The value at a path, or undefined. */
export function valueAt(root: unknown, path: FieldPath): unknown {
  let current = root;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** A value's JSON type as schemas name them: string, integer, number, boolean, array, object, null. */
export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}
