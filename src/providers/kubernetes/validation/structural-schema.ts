import { isRecord, type Json } from "../kube-object.js";

/** Keywords a structural schema shares with JSON Schema draft-07, copied as they are. */
const COPIED = [
  "type",
  "enum",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "required",
  "format",
];

/**
 * A CRD's `openAPIV3Schema` (OpenAPI 3.0, structural) as a JSON Schema for Ajv that is as strict
 * as the API server with `fieldValidation=Strict`: an object accepts only the properties it
 * declares unless it says `x-kubernetes-preserve-unknown-fields: true` (anything goes below) or
 * gives `additionalProperties` (a map). `x-kubernetes-int-or-string` takes an integer or a
 * string, `nullable` takes null. Inside anyOf/allOf/oneOf/not (value validation only, in a
 * structural schema) nothing is made strict. CEL rules (`x-kubernetes-validations`) are not run.
 */
export function strictJsonSchema(node: unknown, structural = true): Json {
  if (!isRecord(node)) return {};
  const out: Json = {};
  for (const key of COPIED) if (key in node) out[key] = node[key];
  // OpenAPI 3.0 writes exclusive bounds as booleans beside minimum/maximum; draft-07 as numbers.
  if (node["exclusiveMinimum"] === true && typeof node["minimum"] === "number") {
    out["exclusiveMinimum"] = node["minimum"];
    delete out["minimum"];
  }
  if (node["exclusiveMaximum"] === true && typeof node["maximum"] === "number") {
    out["exclusiveMaximum"] = node["maximum"];
    delete out["maximum"];
  }
  if (node["x-kubernetes-int-or-string"] === true) {
    delete out["type"];
    if (node["anyOf"] === undefined) out["anyOf"] = [{ type: "integer" }, { type: "string" }];
  }
  if (node["nullable"] === true && typeof out["type"] === "string") out["type"] = [out["type"], "null"];
  if (isRecord(node["properties"])) {
    out["properties"] = Object.fromEntries(
      Object.entries(node["properties"]).map(([name, child]) => [name, strictJsonSchema(child, structural)]),
    );
  }
  if (node["items"] !== undefined) out["items"] = strictJsonSchema(node["items"], structural);
  const additional = node["additionalProperties"];
  if (typeof additional === "boolean") out["additionalProperties"] = additional;
  else if (isRecord(additional)) out["additionalProperties"] = strictJsonSchema(additional, structural);
  for (const junctor of ["allOf", "anyOf", "oneOf"]) {
    const branches = node[junctor];
    if (Array.isArray(branches)) out[junctor] = branches.map((branch) => strictJsonSchema(branch, false));
  }
  if (node["not"] !== undefined) out["not"] = strictJsonSchema(node["not"], false);

  // An embedded object (x-kubernetes-embedded-resource) has apiVersion, kind and metadata besides its own properties.
  if (node["x-kubernetes-embedded-resource"] === true) {
    out["properties"] = {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
      ...(out["properties"] as Json | undefined),
    };
  }
  const open = node["x-kubernetes-preserve-unknown-fields"] === true;
  const isObject = node["type"] === "object" || out["properties"] !== undefined;
  if (structural && isObject && !open && out["additionalProperties"] === undefined) out["additionalProperties"] = false;
  return out;
}

/**
 * The schema of a whole custom resource: the CRD's, with apiVersion and kind, and metadata left
 * open (it is checked as an ObjectMeta on its own).
 */
export function customResourceJsonSchema(openAPIV3Schema: unknown): Json {
  const schema = strictJsonSchema(
    isRecord(openAPIV3Schema) ? { type: "object", ...openAPIV3Schema } : { type: "object" },
  );
  schema["properties"] = {
    ...(schema["properties"] as Json | undefined),
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: { type: "object" },
  };
  return schema;
}

/** Every `format` a schema names (Ajv refuses to compile a format it does not know; the API server ignores those). */
export function formatsIn(schema: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) formatsIn(item, found);
  else if (isRecord(schema)) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === "format" && typeof value === "string") found.add(value);
      else if (key !== "enum") formatsIn(value, found);
    }
  }
  return found;
}
