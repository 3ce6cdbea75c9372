import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configAnnotations } from "../../src/ci/annotations.js";
import { loadStack } from "../../src/config/load.js";
import { formatError } from "../../src/errors.js";
import { parseObjects } from "../../src/providers/kubernetes/kube-object.js";
import { builtInProblems, declaredUnread } from "../../src/providers/kubernetes/validation/builtin-schemas.js";
import { checkManifests, manifestProblems } from "../../src/providers/kubernetes/validation/check-manifests.js";
import { ManifestErrors } from "../../src/providers/kubernetes/validation/manifest-errors.js";
import { repoRoot } from "../helpers/cli.js";
import { lineOf, manifestStack } from "./manifest-stack.js";

const deployment = (container: string, spec = "replicas: 1"): string => `apiVersion: v1
kind: Service
metadata: { name: api }
spec: { ports: [{ port: 80 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: { app: api }
spec:
  ${spec}
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: api
          image: api
${container}
`;

describe("the manifest preflight on built-in kinds", () => {
  it("names the file, the document, the field path and the fix for a misspelt field", async () => {
    const text = deployment("          imagePullPolcy: IfNotPresent");
    const { stack, file, dir } = manifestStack({ "api.yaml": text }, { services: { api: ["api.yaml"] } });
    const problems = await manifestProblems(stack);
    expect(problems).toHaveLength(1);
    const [problem] = problems;
    expect(problem!.file).toBe(file("api.yaml"));
    expect(problem!.document).toBe(2);
    expect(problem!.line).toBe(lineOf(text, "imagePullPolcy"));
    expect(problem!.fieldPath).toBe("spec.template.spec.containers[0].imagePullPolcy");
    expect(problem!.message).toContain(
      `api.yaml:${lineOf(text, "imagePullPolcy")}: document 2 (Deployment "api"): spec.template.spec.containers[0].imagePullPolcy: unknown field "imagePullPolcy"`,
    );
    expect(problem!.hint).toContain("did you mean imagePullPolicy?");

    // What the user reads: one typed error with every problem and its fix.
    const error = await checkManifests(stack).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ManifestErrors);
    expect(formatError(error)).toMatch(
      /nothing was started[\s\S]*imagePullPolcy[\s\S]*fix: did you mean imagePullPolicy\?/,
    );
    // On GitHub Actions: an annotation on the manifest's line.
    expect(configAnnotations(error, dir)).toEqual([
      {
        level: "error",
        file: "api.yaml",
        line: lineOf(text, "imagePullPolcy"),
        title: "Paddock: spec.template.spec.containers[0].imagePullPolcy",
        message: expect.stringContaining("fix: did you mean imagePullPolicy?"),
      },
    ]);
  });

  it("reports a string where an integer goes, and how to write it", async () => {
    const text = deployment("", 'replicas: "2"');
    const { stack } = manifestStack({ "api.yaml": text }, { services: { api: ["api.yaml"] } });
    const problems = await manifestProblems(stack);
    expect(problems.map((p) => [p.fieldPath, p.problem, p.line])).toEqual([
      ["spec.replicas", 'expected integer, got string "2"', lineOf(text, "replicas")],
    ]);
    expect(problems[0]!.hint).toBe('write replicas: 2 without quotes (YAML reads "2" as a string)');
  });

  it("reports every problem of every file at once: required fields, enums, quantities, int-or-string, label values", async () => {
    const api = deployment(`          imagePullPolicy: Sometimes
          resources: { limits: { cpu: two, memory: 256Mi } }
        - image: sidecar`).replace("labels: { app: api }", "labels: { app: api, tier: 1 }");
    const service =
      "apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec: { ports: [{ port: 80, targetPort: { name: http } }] }\n";
    const { stack } = manifestStack(
      { "api.yaml": api, "web.yaml": service },
      { services: { api: ["api.yaml"], web: ["web.yaml"] } },
    );
    const problems = await manifestProblems(stack);
    const byField = Object.fromEntries(problems.map((p) => [p.fieldPath, p]));
    expect(Object.keys(byField).sort()).toEqual([
      "metadata.labels.tier",
      "spec.ports[0].targetPort",
      "spec.template.spec.containers[0].imagePullPolicy",
      "spec.template.spec.containers[0].resources.limits.cpu",
      "spec.template.spec.containers[1].name",
    ]);
    expect(byField["metadata.labels.tier"]!.hint).toBe('quote it: tier: "1"');
    expect(byField["spec.template.spec.containers[0].imagePullPolicy"]!.problem).toBe(
      'must be one of Always, IfNotPresent, Never; got "Sometimes"',
    );
    expect(byField["spec.template.spec.containers[0].resources.limits.cpu"]!.problem).toBe(
      'expected a quantity, got "two"',
    );
    expect(byField["spec.template.spec.containers[1].name"]!.problem).toBe("required field is missing");
    expect(byField["spec.ports[0].targetPort"]!.problem).toMatch(
      /^expected (string or integer|integer or string) \(a number, or a name such as http\), got object/,
    );
    expect(byField["spec.ports[0].targetPort"]!.file).toMatch(/web\.yaml$/);
  });

  it("accepts the kind example's manifests, CRDs and policies as they are", async () => {
    const stack = loadStack(path.join(repoRoot, "examples", "kind-signalprocessing", "paddock.yaml"));
    expect((await manifestProblems(stack)).map((p) => p.message)).toEqual([]);
  });

  it("accepts valid objects of every kind that matters, with their fields set as real manifests set them", async () => {
    const text = readFileSync(path.join(repoRoot, "test", "fixtures", "kubernetes", "valid-objects.yaml"), "utf8");
    // Not a vacuous pass: every kind in the file has a built-in schema that is checked.
    for (const object of parseObjects(text, "valid-objects.yaml"))
      expect(await builtInProblems(object), `${object.kind}`).toEqual([]);
    const { stack } = manifestStack({ "objects.yaml": text }, { services: { api: ["objects.yaml"] } });
    expect((await manifestProblems(stack)).map((p) => p.message)).toEqual([]);
  });

  it("skips kinds it has no schema for, without an error", async () => {
    const text = [
      "apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nspec: { anything: [goes] }",
      "apiVersion: apps/v1\nkind: DeploymentSpec\nmetadata: { name: not-a-kind }\nbogus: true",
      "apiVersion: ../../etc/v1\nkind: Passwd\nmetadata: { name: x }",
    ].join("\n---\n");
    const { stack } = manifestStack({ "other.yaml": text }, { services: { other: ["other.yaml"] } });
    expect(await manifestProblems(stack)).toEqual([]);
    for (const object of parseObjects(text, "other.yaml")) expect(await builtInProblems(object)).toBeUndefined();
  });

  it("reports YAML that does not parse and documents that are not objects, with their line", async () => {
    const text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ok }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: [broken }\n---\napiVersion: v1\nmetadata: { name: nokind }\n";
    const { stack } = manifestStack({ "bad.yaml": text }, { services: { bad: ["bad.yaml"] } });
    const problems = await manifestProblems(stack);
    expect(problems.map((p) => [p.document, p.problem.split(":")[0]])).toEqual([
      [2, "not valid YAML"],
      [3, "kind not set"],
    ]);
    expect(problems[0]!.line).toBeGreaterThanOrEqual(7);
  });

  it("checks what Paddock renders for docker-style workloads, and the values rendering cannot take", async () => {
    const { stack } = manifestStack(
      { "conf/app.conf": "x=1\n", "conf/bad name.conf": "y=2\n" },
      {
        extra: {
          services: {
            web: {
              image: "nginx:1.27",
              ports: ["8080"],
              env: { MODE: "e2e", TOKEN: "s3cret" },
              secretEnv: ["TOKEN"],
              ready: { http: { port: 8080, path: "/" } },
            },
            files: { image: "nginx:1.27", volumes: ["./conf:/etc/app"] },
          },
        },
      },
    );
    const problems = await manifestProblems(stack);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/services\.files: bind mount .*conf: file name "bad name\.conf" cannot be a ConfigMap key/),
    ]);
  });
});

/** The fields each kubernetes-models type declares (its .d.ts interface) that its compiled validator never reads. */
function unreadDeclaredFields(packageDir: string): { type: string; reads: Set<string>; missing: string[] }[] {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const file = path.join(dir, name);
      return statSync(file).isDirectory()
        ? name === "_schemas"
          ? []
          : files(file)
        : file.endsWith(".mjs")
          ? [file]
          : [];
    });
  return files(packageDir).flatMap((file) => {
    const schemaImport = /from"(\.\.\/[^"]*_schemas\/[^"]+\.mjs)"/.exec(readFileSync(file, "utf8"));
    const declaration = /export interface I\w+ \{([\s\S]*?)\n\}/.exec(
      readFileSync(file.replace(/\.mjs$/, ".d.ts"), "utf8"),
    );
    if (!schemaImport || !declaration) return [];
    const compiled = readFileSync(path.resolve(path.dirname(file), schemaImport[1]!), "utf8");
    const reads = new Set([...compiled.matchAll(/data\.([\w$]+)|data\["([^"]+)"\]/g)].map((m) => m[1] ?? m[2]!));
    const declared = [...declaration[1]!.matchAll(/^ {4}"?([\w$-]+)"?\??:/gm)].map((m) => m[1]!);
    const missing = declared.filter((field) => !reads.has(field));
    return missing.length > 0 ? [{ type: path.relative(packageDir, file), reads, missing }] : [];
  });
}

describe("the unknown-field check's view of kubernetes-models", () => {
  it("knows every field a type declares that its compiled validator skips (an upgrade that adds one fails here)", () => {
    const require = createRequire(import.meta.url);
    const packages = ["kubernetes-models", "@kubernetes-models/apimachinery"].map((name) =>
      path.dirname(require.resolve(`${name}/package.json`)),
    );
    const gaps = packages.flatMap(unreadDeclaredFields);
    expect(gaps.length).toBeGreaterThan(0); // JSONSchemaProps' x-kubernetes-* fields, at least
    expect(
      gaps
        .map((g) => ({
          type: g.type,
          uncovered: g.missing.filter((field) => !declaredUnread(g.reads).includes(field)),
        }))
        .filter((g) => g.uncovered.length > 0),
    ).toEqual([]);
  });
});
