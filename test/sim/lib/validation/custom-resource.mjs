// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// A custom resource against its CRD's structural schema (openAPIV3Schema): fields the schema does not
// declare (without x-kubernetes-preserve-unknown-fields or additionalProperties) and values of the
// wrong type. apiVersion, kind and metadata are the API server's own.
const TYPES = {
  string: (v) => typeof v === "string",
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === "number",
  boolean: (v) => typeof v === "boolean",
  array: (v) => Array.isArray(v),
  object: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
};
const schemaType = (v) =>
  Array.isArray(v) ? "array" : v === null ? "null" : Number.isInteger(v) ? "integer" : typeof v;

function walk(value, schema, path, ssa, out) {
  if (!schema || value === null || value === undefined) return;
  if (schema["x-kubernetes-int-or-string"]) {
    if (typeof value !== "number" && typeof value !== "string")
      out.push({
        type: true,
        path,
        ssaPath: ssa,
        want: "integer or string",
        gotSchema: schemaType(value),
        ssaMessage: `expected numeric (int or float) or string`,
      });
    return;
  }
  if (schema.type && TYPES[schema.type] && !TYPES[schema.type](value)) {
    out.push({
      type: true,
      path,
      ssaPath: ssa,
      want: schema.type,
      gotSchema: schemaType(value),
      ssaMessage: `expected ${schema.type}`,
    });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, schema.items, `${path}[${i}]`, `${ssa}[${i}]`, out));
    return;
  }
  if (!TYPES.object(value)) return;
  const props = schema.properties ?? {};
  const open = schema["x-kubernetes-preserve-unknown-fields"] || schema.additionalProperties;
  for (const [k, v] of Object.entries(value)) {
    const childPath = path ? `${path}.${k}` : k;
    if (props[k]) walk(v, props[k], childPath, `${ssa}.${k}`, out);
    else if (typeof schema.additionalProperties === "object")
      walk(v, schema.additionalProperties, childPath, `${ssa}.${k}`, out);
    else if (!open && schema.type === "object" && (schema.properties || path === ""))
      out.push({ path: childPath, ssaPath: `${ssa}.${k}`, ssaMessage: "field not declared in schema" });
  }
}

/** Problems of a custom resource: [{ path, ssaPath, ssaMessage, type?, want?, gotSchema? }]. */
export function walkCustom(doc, schema) {
  const out = [];
  const { apiVersion, kind, metadata, ...rest } = doc;
  void apiVersion;
  void kind;
  void metadata;
  walk(rest, { ...schema, properties: schema.properties ?? {} }, "", "", out);
  return out;
}
