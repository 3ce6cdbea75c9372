import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { manifestProblems } from "../../src/providers/kubernetes/validation/check-manifests.js";
import { repoRoot } from "../helpers/cli.js";
import { lineOf, manifestStack } from "./manifest-stack.js";

const exampleCrds = path.join(repoRoot, "examples", "kind-signalprocessing", "crds");
const crdFiles = {
  "crds/signalprocessing.yaml": readFileSync(path.join(exampleCrds, "signalprocessing.yaml"), "utf8"),
  "crds/remediationrequest.yaml": readFileSync(path.join(exampleCrds, "remediationrequest.yaml"), "utf8"),
};

/** The example's CRDs in bootstrap, and `resources` as the manifests of a service. */
async function problemsOf(resources: string): Promise<
  {
    fieldPath: string;
    problem: string;
    hint: string | undefined;
    line: number | undefined;
    document: number | undefined;
  }[]
> {
  const { stack } = manifestStack(
    { ...crdFiles, "resources.yaml": resources },
    { bootstrap: { crds: ["crds/*.yaml"] }, services: { controller: ["resources.yaml"] } },
  );
  return (await manifestProblems(stack)).map((p) => ({
    fieldPath: p.fieldPath,
    problem: p.problem,
    hint: p.hint,
    line: p.line,
    document: p.document,
  }));
}

const signal = (
  spec: string,
  metadata = "{ name: smoke, namespace: kubernaut-system }",
  apiVersion = "kubernaut.ai/v1alpha1",
): string => `apiVersion: ${apiVersion}\nkind: SignalProcessing\nmetadata: ${metadata}\nspec:\n${spec}\n`;

describe("the manifest preflight on custom resources, against the stack's CRDs", () => {
  it("accepts a valid custom resource, with anything below x-kubernetes-preserve-unknown-fields", async () => {
    const text = signal(
      "  signal:\n    name: HighMemoryUsage\n    source: prometheus\n    labels: { severity: warning }\n    payload: { alert: { any: [thing, 1, true] }, extra: x }",
    );
    expect(await problemsOf(text)).toEqual([]);
  });

  it("reports fields the CRD's schema does not declare, with the nearest declared name, and what is then missing", async () => {
    const text = signal("  signal:\n    name: HighMemoryUsage\n    sorce: prometheus");
    const problems = await problemsOf(text);
    expect(problems).toEqual([
      {
        fieldPath: "spec.signal.source",
        problem: "required field is missing",
        hint: "add source to spec.signal",
        line: lineOf(text, "signal:"),
        document: 1,
      },
      {
        fieldPath: "spec.signal.sorce",
        problem: 'unknown field "sorce" (not in the schema of CRD signalprocessings.kubernaut.ai)',
        hint: "did you mean source?",
        line: lineOf(text, "sorce"),
        document: 1,
      },
    ]);
  });

  it("reports enum, type and pattern violations, and metadata fields ObjectMeta does not have", async () => {
    const text = [
      signal("  signal: { name: x, source: email, labels: { count: 3 } }", "{ name: smoke, lables: { a: b } }"),
      "apiVersion: kubernaut.ai/v1alpha1\nkind: RemediationRequest\nmetadata: { name: rr }\nspec: { signalFingerprint: not-a-sha, signalName: x, severity: High }\n",
    ].join("---\n");
    const problems = await problemsOf(text);
    expect(problems.map((p) => [p.document, p.fieldPath, p.problem])).toEqual([
      [1, "metadata.lables", 'unknown field "lables" (not in Kubernetes 1.33\'s schema)'],
      [1, "spec.signal.source", 'must be one of prometheus, kubernetes-event, webhook; got "email"'],
      [1, "spec.signal.labels.count", "expected string, got integer 3"],
      [2, "spec.signalFingerprint", 'must match pattern "^[a-f0-9]{64}$"; got "not-a-sha"'],
      [2, "spec.severity", 'must be one of low, medium, high, critical; got "High"'],
    ]);
    expect(problems.find((p) => p.fieldPath === "metadata.lables")!.hint).toBe("did you mean labels?");
    expect(problems.find((p) => p.fieldPath === "spec.severity")!.hint).toBe("did you mean high?");
  });

  it("reports a version the CRD does not serve", async () => {
    const problems = await problemsOf(signal("  signal: { name: x, source: webhook }", undefined, "kubernaut.ai/v1"));
    expect(problems).toEqual([
      expect.objectContaining({
        fieldPath: "apiVersion",
        problem: "CRD signalprocessings.kubernaut.ai serves no version v1 of SignalProcessing",
        hint: "use apiVersion: kubernaut.ai/v1alpha1",
      }),
    ]);
  });

  it("reads structural schemas as the API server does: int-or-string, nullable, exclusive bounds, maps, embedded resources, objects without properties", async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: gadgets.example.com }
spec:
  group: example.com
  scope: Cluster
  names: { kind: Gadget, plural: gadgets }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                port: { x-kubernetes-int-or-string: true }
                note: { type: string, nullable: true }
                ratio: { type: number, minimum: 0, exclusiveMinimum: true }
                env: { type: object, additionalProperties: { type: string } }
                template: { type: object, x-kubernetes-embedded-resource: true, properties: { spec: { type: object, x-kubernetes-preserve-unknown-fields: true } } }
                closed: { type: object }
`;
    const gadget = (spec: string): string =>
      `apiVersion: example.com/v1\nkind: Gadget\nmetadata: { name: g }\nspec: ${spec}\n`;
    const valid = gadget(
      '{ port: http, note: null, ratio: 0.5, env: { A: "1" }, template: { apiVersion: v1, kind: Pod, metadata: { name: p }, spec: { any: thing } } }',
    );
    const invalid = gadget(
      "{ port: { no: 1 }, ratio: 0, env: { A: 1 }, template: { kind: Pod, extra: 1 }, closed: { anything: 1 } }",
    );
    const { stack } = manifestStack(
      { "crd.yaml": crd, "valid.yaml": valid, "invalid.yaml": invalid },
      { bootstrap: { crds: ["crd.yaml"] }, services: { a: ["valid.yaml"], b: ["invalid.yaml"] } },
    );
    const problems = await manifestProblems(stack);
    expect(problems.filter((p) => p.file.endsWith("valid.yaml") && !p.file.endsWith("invalid.yaml"))).toEqual([]);
    expect(problems.map((p) => p.fieldPath).sort()).toEqual([
      "spec.closed.anything",
      "spec.env.A",
      "spec.port",
      "spec.ratio",
      "spec.template.extra",
    ]);
  });

  it("does not refuse custom resources on a pattern JavaScript cannot read (Kubernetes' patterns are Go's), and still checks the rest", async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: tags.example.com }
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Tag, plural: tags }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, properties: { name: { type: string, pattern: "(?i)^[a-z]+$" }, count: { type: integer } } }
`;
    const tag = "apiVersion: example.com/v1\nkind: Tag\nmetadata: { name: t }\nspec: { name: ABC, count: many }\n";
    const { stack } = manifestStack(
      { "crd.yaml": crd, "tag.yaml": tag },
      { bootstrap: { crds: ["crd.yaml"] }, services: { t: ["tag.yaml"] } },
    );
    expect((await manifestProblems(stack)).map((p) => [p.fieldPath, p.problem])).toEqual([
      ["spec.count", 'expected integer, got string "many"'],
    ]);
  });
});
