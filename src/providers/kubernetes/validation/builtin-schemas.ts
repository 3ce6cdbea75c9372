import { createRequire } from "node:module";
import type { ErrorObject } from "ajv";
import { PaddockError } from "../../../errors.js";
import { trackFields } from "./field-tracker.js";
import { problemsOfAjvErrors, undeclaredProblem, type SchemaProblem } from "./schema-problems.js";

/** The Kubernetes release whose OpenAPI schemas kubernetes-models 4.5 is generated from (its 4.5.0 changelog). */
export const KUBERNETES_SCHEMA_RELEASE = "1.33";
export const BUILT_IN_SCHEMA = `not in Kubernetes ${KUBERNETES_SCHEMA_RELEASE}'s schema`;

/** A compiled schema check: the Ajv errors of a value, none when it is valid. */
type SchemaCheck = (value: unknown) => ErrorObject[];

/** What kubernetes-models exports for each API type: a class whose `validate` checks `this` against the type's schema. */
interface ModelClass {
  apiVersion?: unknown;
  kind?: unknown;
  prototype: { validate(this: unknown): void };
}

const GROUP_VERSION =
  /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?v\d+(?:(?:alpha|beta)\d+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
/** Import failures that mean "kubernetes-models has no such type" (the group, or the kind in it). */
const NOT_THERE = new Set(["ERR_PACKAGE_PATH_NOT_EXPORTED", "MODULE_NOT_FOUND"]);

function checkOf(model: ModelClass): SchemaCheck {
  return (value) => {
    try {
      model.prototype.validate.call(value);
      return [];
    } catch (error) {
      const errors = (error as { errors?: unknown }).errors;
      if (Array.isArray(errors)) return errors as ErrorObject[];
      throw error;
    }
  };
}

const require = createRequire(import.meta.url);

/** Without the package every kind would look unknown and pass unchecked: that is a broken install, not a clean stack. */
function requirePackage(name: string): void {
  try {
    require.resolve(`${name}/package.json`);
  } catch (error) {
    throw new PaddockError(`cannot check Kubernetes manifests: the package ${name} is not installed`, {
      cause: error,
      hint: "reinstall Paddock's dependencies (npm ci), or pass --no-manifest-check",
    });
  }
}

/**
 * The model's module, by the package's layout: kubernetes-models/<group>/<version>/<Kind>, core
 * types under v1/. Only a name that does not resolve means "no such type"; a module that resolves
 * and fails to load is a broken install, and says so. Loaded as CommonJS (the package ships both):
 * a kind's schemas are ~150 small modules, and the kind example's kinds load in ~50 ms that way
 * against ~85 ms as ES modules.
 */
function loadModel(specifier: string, exportName: string): ModelClass | undefined {
  let file: string;
  try {
    file = require.resolve(specifier);
  } catch (error) {
    if (!NOT_THERE.has(String((error as { code?: unknown }).code))) throw error;
    requirePackage(specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!);
    return undefined;
  }
  const model = (require(file) as Record<string, unknown>)[exportName];
  return typeof model === "function" ? (model as unknown as ModelClass) : undefined;
}

// Loaded once per process and only for the kinds a stack has: each kind's module pulls in the
// compiled schemas of every type it contains (a Deployment: the pod spec's ~150).
const checks = new Map<string, Promise<SchemaCheck | undefined>>();

function builtInCheck(apiVersion: string, kind: string): Promise<SchemaCheck | undefined> {
  const key = `${apiVersion}/${kind}`;
  let check = checks.get(key);
  if (!check) {
    check =
      !GROUP_VERSION.test(apiVersion) || !KIND.test(kind)
        ? Promise.resolve(undefined)
        : Promise.resolve().then(() => {
            const model = loadModel(`kubernetes-models/${apiVersion}/${kind}`, kind);
            // A top-level kind says its apiVersion and kind; types inside one (DeploymentSpec) do not.
            return model && model.apiVersion === apiVersion && model.kind === kind ? checkOf(model) : undefined;
          });
    checks.set(key, check);
  }
  return check;
}

const SCHEMA_EXTENSIONS = [
  "x-kubernetes-embedded-resource",
  "x-kubernetes-int-or-string",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-list-type",
  "x-kubernetes-map-type",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-validations",
];

/**
 * Fields kubernetes-models' validators never read though Kubernetes declares them: its generator
 * drops schema keys named `description` and `x-…`, also where they are the names of properties.
 * That hits three types (found by comparing each model's declared fields with what its validator
 * reads; test/kind/manifest-schemas.test.ts repeats the comparison), told apart by what was read.
 */
export function declaredUnread(read: ReadonlySet<string>): readonly string[] {
  if (read.has("$schema") && read.has("patternProperties")) return ["description", ...SCHEMA_EXTENSIONS]; // JSONSchemaProps
  if ((read.has("jsonPath") || read.has("JSONPath")) && read.has("priority")) return ["description"]; // CustomResourceColumnDefinition (v1, v1beta1)
  if (read.size === 1 && read.has("url")) return ["description"]; // ExternalDocumentation
  return [];
}

/** Problems of a value against a compiled schema, unknown fields included (see `trackFields`). */
function strictProblems(check: SchemaCheck, value: unknown, schema: string): SchemaProblem[] {
  const { tracked, undeclared } = trackFields(value, { declaredUnread });
  const errors = check(tracked);
  return [
    ...problemsOfAjvErrors(errors, value, schema),
    ...undeclared().map((field) => undeclaredProblem(field, schema)),
  ];
}

/**
 * An object of a built-in kind against Kubernetes' schema for it, as strictly as the API server's
 * `fieldValidation=Strict`: unknown fields, wrong types, missing required fields, values outside
 * an enum. Undefined when kubernetes-models has no such kind (a custom resource, a typo'd kind).
 */
export async function builtInProblems(object: {
  apiVersion: string;
  kind: string;
}): Promise<SchemaProblem[] | undefined> {
  const check = await builtInCheck(object.apiVersion, object.kind);
  return check ? strictProblems(check, object, BUILT_IN_SCHEMA) : undefined;
}

let objectMeta: Promise<SchemaCheck> | undefined;

/** `metadata` of a custom resource: the API server checks it as an ObjectMeta, whatever the CRD says. */
export async function objectMetaProblems(metadata: unknown): Promise<SchemaProblem[]> {
  objectMeta ??= Promise.resolve().then(() => {
    const model = loadModel("@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta", "ObjectMeta");
    if (!model)
      throw new PaddockError("@kubernetes-models/apimachinery has no ObjectMeta model", {
        hint: "reinstall Paddock's dependencies (npm ci)",
      });
    return checkOf(model);
  });
  return strictProblems(await objectMeta, metadata, BUILT_IN_SCHEMA).map((p) => ({
    ...p,
    path: ["metadata", ...p.path],
  }));
}
