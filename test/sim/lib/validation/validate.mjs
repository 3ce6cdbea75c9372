// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// The API server's field validation of what is applied (kubectl's default --validate=strict):
// unknown fields and values of the wrong type are rejected. Built-in kinds are checked against the
// models of @kubernetes/client-node (generated from Kubernetes' OpenAPI spec: every field of every
// type, with its type), custom resources against their CRD's openAPIV3Schema. Messages as the real
// API server gives them:
//   server-side apply   Error from server: failed to create typed patch object (ns/name; apps/v1, Kind=Deployment):
//                       .spec.template.spec.containers[name="web"].imagePullPolcy: field not declared in schema
//                       (an HTTP 500 with no reason in Kubernetes ≤ 1.36: kubernetes/kubernetes#122480)
//   create, client-side apply   Error from server (BadRequest): error when creating "F": Deployment in version "v1"
//                       cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolcy"
import { walkCustom } from "./custom-resource.mjs";
import { walkModel } from "./model-walk.mjs";

const groupVersion = (apiVersion) => (apiVersion.includes("/") ? apiVersion : `/${apiVersion}`);

/** The client-node model class of a built-in kind (V1Deployment, V2HorizontalPodAutoscaler, …), or undefined. */
function modelName(t, apiVersion) {
  if (t.custom) return undefined;
  const version = apiVersion.split("/").pop() ?? "";
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${t.kind}`;
}

function crdFor(objects, t) {
  return Object.values(objects).find(
    (o) => o.kind === "CustomResourceDefinition" && o.spec?.group === t.group && o.spec?.names?.kind === t.kind,
  );
}

function ssaMessage(doc, namespace, problems) {
  const id = `${namespace ?? ""}/${doc.metadata?.name ?? ""}; ${groupVersion(doc.apiVersion)}, Kind=${doc.kind}`;
  const lines = problems.map((p) => `${p.ssaPath}: ${p.ssaMessage}`);
  const text = lines.length === 1 ? lines[0] : ["errors:", ...lines.map((l) => `  ${l}`)].join("\n");
  return `Error from server: failed to create typed patch object (${id}): ${text}`;
}

function decodeMessage(doc, source, problems) {
  const version = doc.apiVersion.split("/").pop();
  const head = `Error from server (BadRequest): error when creating "${source}": ${doc.kind} in version "${version}" cannot be handled as a ${doc.kind}: `;
  const typeError = problems.find((p) => p.type);
  if (typeError)
    return `${head}json: cannot unmarshal ${typeError.got} into Go struct field ${typeError.goField} of type ${typeError.goType}`;
  return `${head}strict decoding error: ${problems.map((p) => `unknown field "${p.path}"`).join(", ")}`;
}

function invalidMessage(doc, problems) {
  const details = problems.map(
    (p) => `${p.path}: Invalid value: "${p.gotSchema}": ${p.path} in body must be of type ${p.want}: "${p.gotSchema}"`,
  );
  return `The ${doc.kind} "${doc.metadata?.name ?? ""}" is invalid: ${details.length === 1 ? details[0] : `[${details.join(", ")}]`}`;
}

/**
 * Returns the error text to print (as kubectl would) when `doc` is not a valid object of type `t`,
 * or null. options: { ssa, mode: "apply" | "create", source, namespace, objects }.
 */
export async function validateObject(doc, t, options) {
  let problems = [];
  if (t.custom) {
    const crd = crdFor(options.objects, t);
    const version = (crd?.spec?.versions ?? []).find((v) => v.name === doc.apiVersion.split("/").pop());
    const schema = version?.schema?.openAPIV3Schema;
    if (!schema) return null;
    problems = walkCustom(doc, schema);
    const typed = problems.filter((p) => p.type);
    if (typed.length) return invalidMessage(doc, typed);
  } else {
    const model = modelName(t, doc.apiVersion);
    if (!model) return null;
    problems = await walkModel(doc, model);
    if (problems === null) return null; // no model for this kind: nothing to check against
  }
  if (!problems.length) return null;
  return options.ssa
    ? ssaMessage(doc, t.namespaced ? options.namespace : "", problems)
    : decodeMessage(doc, options.source, problems);
}
