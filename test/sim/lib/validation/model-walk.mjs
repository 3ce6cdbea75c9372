// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Walks an object along the client-node models (attributeTypeMap: JSON name and type of every
// field), collecting unknown fields and wrong types, with both path styles the API server uses:
// strict decoding ("spec.containers[0].x") and server-side apply (".spec.containers[name="c"].x").
const cache = new Map();

/** A model's fields by JSON name, or null when client-node has no such model. */
async function fieldsOf(model) {
  if (!cache.has(model)) {
    cache.set(
      model,
      import(`@kubernetes/client-node/dist/gen/models/${model}.js`).then(
        (m) => new Map((m[model]?.attributeTypeMap ?? []).map((a) => [a.baseName, a])),
        () => null,
      ),
    );
  }
  return cache.get(model);
}

/** Associative lists (x-kubernetes-list-map-keys): their elements are named by keys in SSA paths. */
const LIST_KEYS = {
  containers: ["name"],
  initContainers: ["name"],
  ephemeralContainers: ["name"],
  volumes: ["name"],
  imagePullSecrets: ["name"],
  env: ["name"],
  volumeMounts: ["mountPath"],
  volumeDevices: ["devicePath"],
  hostAliases: ["ip"],
  resourceClaims: ["name"],
  ownerReferences: ["uid"],
  conditions: ["type"],
  topologySpreadConstraints: ["topologyKey", "whenUnsatisfiable"],
};
const PORT_KEYS = { V1Container: ["containerPort", "protocol"], V1ServiceSpec: ["port", "protocol"] };
/** Quantities are strings in the models but the API takes numbers too (cpu: 1). */
const QUANTITY_FIELDS = new Set([
  "limits",
  "requests",
  "capacity",
  "allocatable",
  "hard",
  "used",
  "default",
  "defaultRequest",
  "max",
  "min",
  "maxLimitRequestRatio",
  "sizeLimit",
  "storage",
]);

function elementName(keys, item, index) {
  if (!keys || !item || typeof item !== "object") return `[${index}]`;
  const parts = keys.map((k) => {
    const v = item[k] ?? (k === "protocol" ? "TCP" : undefined);
    return `${k}=${typeof v === "string" ? JSON.stringify(v) : v}`;
  });
  return `[${parts.join(",")}]`;
}

const jsonKind = (v) =>
  Array.isArray(v)
    ? "array"
    : v === null
      ? "null"
      : typeof v === "object"
        ? "object"
        : typeof v === "boolean"
          ? "bool"
          : typeof v;
const goStruct = (model) => model.replace(/^([A-Z][a-z]+)?V\d+(?:alpha\d+|beta\d+)?/, "");

function goTypeOf(type, format) {
  if (type === "number") return format === "int64" ? "int64" : format === "double" ? "float64" : "int32";
  if (type === "boolean") return "bool";
  if (type === "string" || type === "Date") return "string";
  if (type.startsWith("Array<")) return `[]${goTypeOf(type.slice(6, -1), "")}`;
  if (type.startsWith("{ [key: string]: ")) return `map[string]${goTypeOf(type.slice(17, -3), "")}`;
  return `v1.${goStruct(type)}`;
}

function smdMessage(type, value) {
  if (type === "number")
    return `expected numeric (int or float), got ${jsonKind(value) === "object" ? "map[string]interface {}" : jsonKind(value) === "array" ? "[]interface {}" : jsonKind(value)}`;
  if (type === "string" || type === "Date")
    return `expected string, got &value.valueUnstructured{Value:${JSON.stringify(value)}}`;
  if (type === "boolean") return `expected boolean, got &value.valueUnstructured{Value:${JSON.stringify(value)}}`;
  if (type.startsWith("Array<")) return `expected list, got &{${JSON.stringify(value)}}`;
  return `expected map, got &{${JSON.stringify(value)}}`;
}

function typeOk(type, value, quantity) {
  if (value === null) return true;
  switch (type) {
    case "any":
      return true;
    case "IntOrString":
      return typeof value === "number" || typeof value === "string";
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "string":
    case "Date":
      return typeof value === "string" || (quantity && typeof value === "number");
    default:
      if (type.startsWith("Array<")) return Array.isArray(value);
      return typeof value === "object" && !Array.isArray(value);
  }
}

/** Problems of `value` as a `type` at a path; pushes into out. */
async function walkValue(value, type, ctx, out) {
  const { path, ssa, parent, field, format, quantity } = ctx;
  if (!typeOk(type, value, quantity)) {
    out.push({
      type: true,
      path,
      ssaPath: ssa,
      ssaMessage: smdMessage(type, value),
      got: jsonKind(value),
      goField: `${goStruct(parent)}.${ctx.goPath}`,
      goType: goTypeOf(type, format),
    });
    return;
  }
  if (value === null || ["any", "IntOrString", "number", "boolean", "string", "Date"].includes(type)) return;
  if (type.startsWith("Array<")) {
    const inner = type.slice(6, -1);
    const keys = field === "ports" ? PORT_KEYS[parent] : LIST_KEYS[field];
    for (const [i, item] of value.entries())
      await walkValue(item, inner, { ...ctx, path: `${path}[${i}]`, ssa: `${ssa}${elementName(keys, item, i)}` }, out);
    return;
  }
  if (type.startsWith("{ [key: string]: ")) {
    const inner = type.slice(17, -3);
    for (const [k, v] of Object.entries(value))
      await walkValue(
        v,
        inner,
        { ...ctx, path: `${path}[${k}]`, ssa: `${ssa}.${k}`, quantity: QUANTITY_FIELDS.has(field) },
        out,
      );
    return;
  }
  await walkObject(value, type, ctx, out);
}

async function walkObject(obj, model, ctx, out) {
  const fields = await fieldsOf(model);
  if (!fields) return;
  for (const [k, v] of Object.entries(obj)) {
    const path = ctx.path ? `${ctx.path}.${k}` : k;
    const ssa = `${ctx.ssa}.${k}`;
    const attr = fields.get(k);
    if (!attr) {
      out.push({ path, ssaPath: ssa, ssaMessage: "field not declared in schema" });
      continue;
    }
    await walkValue(
      v,
      attr.type,
      {
        path,
        ssa,
        parent: model,
        field: k,
        format: attr.format,
        goPath: ctx.goPath ? `${ctx.goPath}.${k}` : k,
        quantity: QUANTITY_FIELDS.has(k),
      },
      out,
    );
  }
}

/** The problems of a whole object against a model (e.g. V1Deployment); null when there is no such model. */
export async function walkModel(doc, model) {
  if (!(await fieldsOf(model))) return null;
  const out = [];
  await walkObject(doc, model, { path: "", ssa: "", goPath: "" }, out);
  return out;
}
