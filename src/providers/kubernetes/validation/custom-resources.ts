import { formats as kubernetesFormats } from "@kubernetes-models/validate";
import { Ajv, type ValidateFunction } from "ajv";
import { asArray, asString, isRecord, nested, type Json } from "../kube-object.js";
import { objectMetaProblems } from "./builtin-schemas.js";
import { problemsOfAjvErrors, type SchemaProblem } from "./schema-problems.js";
import { customResourceJsonSchema, formatsIn } from "./structural-schema.js";

interface DefinedVersion {
  crd: string;
  served: boolean;
  schema: unknown;
}

/** What is known about a custom resource's kind from the stack's CRDs. */
export type CustomResourceCheck =
  | { kind: "checked"; problems: SchemaProblem[] }
  /** The CRD defines the kind, but not in this version: the API server would not know it either. */
  | { kind: "unserved"; problems: SchemaProblem[] }
  /** No CRD of the stack defines it: nothing to check against. */
  | { kind: "unknown" };

/**
 * The stack's CRDs as schemas for its custom resources: the openAPIV3Schema of each served
 * version, compiled with Ajv on first use, strict as `strictJsonSchema` says.
 */
export class CustomResourceSchemas {
  /** `group/Kind` → version name → what the CRD says. */
  private readonly definitions = new Map<string, Map<string, DefinedVersion>>();
  private readonly compiled = new Map<string, ValidateFunction | undefined>();
  private ajv: Ajv | undefined;

  constructor(crds: readonly Json[]) {
    for (const crd of crds) {
      const group = asString(nested(crd, "spec", "group"));
      const kind = asString(nested(crd, "spec", "names", "kind"));
      if (!group || !kind) continue;
      const versions = this.definitions.get(`${group}/${kind}`) ?? new Map<string, DefinedVersion>();
      for (const version of asArray(nested(crd, "spec", "versions")).filter(isRecord)) {
        const name = asString(version["name"]);
        if (name)
          versions.set(name, {
            crd: asString(nested(crd, "metadata", "name")) ?? `${kind} CRD`,
            served: version["served"] !== false,
            schema: nested(version, "schema", "openAPIV3Schema"),
          });
      }
      this.definitions.set(`${group}/${kind}`, versions);
    }
  }

  async check(object: Json & { apiVersion: string; kind: string }): Promise<CustomResourceCheck> {
    const slash = object.apiVersion.indexOf("/");
    if (slash < 0) return { kind: "unknown" };
    const group = object.apiVersion.slice(0, slash);
    const version = object.apiVersion.slice(slash + 1);
    const versions = this.definitions.get(`${group}/${object.kind}`);
    if (!versions) return { kind: "unknown" };
    const defined = versions.get(version);
    if (!defined?.served) {
      const served = [...versions].filter(([, v]) => v.served).map(([name]) => `${group}/${name}`);
      const crd = [...versions.values()][0]?.crd ?? "its CRD";
      return {
        kind: "unserved",
        problems: [
          {
            path: ["apiVersion"],
            problem: `CRD ${crd} serves no version ${version} of ${object.kind}`,
            hint:
              served.length > 0 ? `use apiVersion: ${served.join(" or ")}` : `mark a version of ${crd} served: true`,
          },
        ],
      };
    }
    const validate = this.compile(`${group}/${version}/${object.kind}`, defined.schema);
    if (!validate) return { kind: "checked", problems: [] };
    const schema = `not in the schema of CRD ${defined.crd}`;
    const problems = validate(object) ? [] : problemsOfAjvErrors(validate.errors ?? [], object, schema);
    return {
      kind: "checked",
      problems: [...problems, ...(isRecord(object["metadata"]) ? await objectMetaProblems(object["metadata"]) : [])],
    };
  }

  /**
   * Undefined when the version has no schema, or one Ajv cannot compile even without its
   * patterns (Kubernetes' patterns are Go's RE2, which JavaScript may not read): such custom
   * resources are left to the API server rather than refused on a guess.
   */
  private compile(key: string, openAPIV3Schema: unknown): ValidateFunction | undefined {
    if (this.compiled.has(key)) return this.compiled.get(key);
    let validate: ValidateFunction | undefined;
    if (isRecord(openAPIV3Schema)) {
      const schema = customResourceJsonSchema(openAPIV3Schema);
      const ajv = this.validator(schema);
      try {
        validate = ajv.compile(schema);
      } catch {
        try {
          validate = ajv.compile(withoutPatterns(schema));
        } catch {
          validate = undefined;
        }
      }
    }
    this.compiled.set(key, validate);
    return validate;
  }

  private validator(schema: Json): Ajv {
    // verbose: errors carry their schema, so an unknown field's message can name the declared ones.
    // No validateSchema: checking each schema against the draft-07 meta-schema first costs ~50 ms
    // (it compiles the meta-schema) on every run. The CRD object itself is checked against
    // Kubernetes' CustomResourceDefinition schema, and a schema Ajv cannot compile is skipped.
    this.ajv ??= new Ajv({
      allErrors: true,
      strict: false,
      verbose: true,
      validateSchema: false,
      formats: kubernetesFormats,
    });
    for (const format of formatsIn(schema)) if (!this.ajv.formats[format]) this.ajv.addFormat(format, true);
    return this.ajv;
  }
}

function withoutPatterns(schema: Json): Json {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (!isRecord(value)) return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, v]) => !(key === "pattern" && typeof v === "string"))
        .map(([key, v]) => [key, key === "enum" || key === "default" ? v : strip(v)]),
    );
  };
  return strip(schema) as Json;
}
