import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempProject } from "../helpers/cli.js";

const DOCKERFILE = "FROM paddock/debian:bookworm\n";

/** Runs `paddock plan` on a stack and returns the result; a bad stack must fail before anything starts. */
async function planOf(files: Record<string, string>): Promise<{ code: number; stderr: string; dir: string }> {
  const dir = tempProject({ Dockerfile: DOCKERFILE, ...files });
  const result = await runCli(["plan"], { cwd: dir });
  return { code: result.code, stderr: result.stderr, dir };
}

function expectNoSideEffects(dir: string): void {
  expect(existsSync(path.join(dir, ".paddock")), "nothing may be written for an invalid stack").toBe(false);
}

describe("invalid stack files are refused with the file, line, field and fix", () => {
  it("unknown key", async () => {
    const { code, stderr, dir } = await planOf({
      "paddock.yaml":
        "name: demo\nimages:\n  api: { dockerfile: Dockerfile }\nservices:\n  api:\n    image: api\n    imag: typo\n",
    });
    expect(code).not.toBe(0);
    expect(stderr).toContain(`${path.join(dir, "paddock.yaml")}:7: services.api.imag: unknown field`);
    expect(stderr).toMatch(/fix: remove it or check the spelling/);
    expectNoSideEffects(dir);
  });

  it("dependsOn naming nothing", async () => {
    const { code, stderr, dir } = await planOf({
      "paddock.yaml":
        "name: demo\nimages:\n  api: { dockerfile: Dockerfile }\nservices:\n  api:\n    image: api\n    dependsOn: [postgres]\n  postgresql: { image: api }\n",
    });
    expect(code).not.toBe(0);
    expect(stderr).toContain(
      'paddock.yaml:7: services.api.dependsOn[0]: "postgres" is not a service or job of this stack',
    );
    expect(stderr).toContain("use one of: postgresql");
    expectNoSideEffects(dir);
  });

  it("dependency cycle, printed", async () => {
    const { code, stderr, dir } = await planOf({
      "paddock.yaml":
        "name: demo\nimages:\n  api: { dockerfile: Dockerfile }\nservices:\n  a: { image: api, dependsOn: [b] }\n  b: { image: api, dependsOn: [c] }\n  c: { image: api, dependsOn: [a] }\n",
    });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/dependency cycle: a → b → c → a/);
    expect(stderr).toMatch(/services\.a\.dependsOn/);
    expectNoSideEffects(dir);
  });

  it("duplicate names: a repeated key, and a service and a job sharing a name", async () => {
    const repeated = await planOf({
      "paddock.yaml":
        "name: demo\nimages:\n  api: { dockerfile: Dockerfile }\nservices:\n  api: { image: api }\n  api: { image: api }\n",
    });
    expect(repeated.code).not.toBe(0);
    expect(repeated.stderr).toMatch(/paddock\.yaml:6: duplicate name/);
    expectNoSideEffects(repeated.dir);

    const shared = await planOf({
      "paddock.yaml":
        "name: demo\nimages:\n  api: { dockerfile: Dockerfile }\nservices:\n  api: { image: api }\njobs:\n  api: { image: api }\n",
    });
    expect(shared.code).not.toBe(0);
    expect(shared.stderr).toContain('paddock.yaml:7: jobs.api: duplicate name: "api" is both a service and a job');
  });

  it("missing Dockerfile, context and manifest files", async () => {
    const { code, stderr, dir } = await planOf({
      "paddock.yaml":
        "name: demo\nenvironment: { provider: kind }\nimages:\n  api: { dockerfile: docker/api.Dockerfile, context: src/api }\nservices:\n  api: { manifests: [deploy/api.yaml], images: [api] }\n",
    });
    expect(code).not.toBe(0);
    expect(stderr).toContain("paddock.yaml:4: images.api.dockerfile: file not found: docker/api.Dockerfile");
    expect(stderr).toContain("images.api.context: directory not found: src/api");
    expect(stderr).toContain("paddock.yaml:6: services.api.manifests[0]: file not found: deploy/api.yaml");
    expectNoSideEffects(dir);
  });

  it("bootstrap files and globs that match nothing", async () => {
    const { code, stderr, dir } = await planOf({
      "crds/a.yaml": "# a CRD\n",
      "paddock.yaml":
        "name: demo\nenvironment:\n  provider: kind\n  bootstrap:\n    crds: [crds/*.yaml, crd/*.yaml]\n    manifests: [config/rego.yaml]\n",
    });
    expect(code).not.toBe(0);
    expect(stderr).not.toContain("environment.bootstrap.crds[0]");
    expect(stderr).toContain("paddock.yaml:5: environment.bootstrap.crds[1]: no file matches crd/*.yaml");
    expect(stderr).toContain("environment.bootstrap.manifests[0]: file not found: config/rego.yaml");
    expectNoSideEffects(dir);
  });

  it("malformed duration", async () => {
    const { code, stderr, dir } = await planOf({
      "paddock.yaml":
        "name: demo\nimages:\n  api: { dockerfile: Dockerfile }\nservices:\n  api:\n    image: api\n    timeout: 5 minutes\n",
    });
    expect(code).not.toBe(0);
    expect(stderr).toContain('paddock.yaml:7: services.api.timeout: malformed duration "5 minutes"');
    expect(stderr).toMatch(/"30s", "2m"/);
    expectNoSideEffects(dir);
  });

  it("an error inside an included fragment names the fragment", async () => {
    const { code, stderr } = await planOf({
      "shared/datastore.yaml": "services:\n  redis:\n    image: api\n    ports: [6379]\n    ready: { tcp: 6380 }\n",
      "paddock.yaml": "name: demo\ninclude: [shared/datastore.yaml]\nimages:\n  api: { dockerfile: Dockerfile }\n",
    });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(
      /shared\/datastore\.yaml:5: services\.redis\.ready\.tcp: port 6380 is not among the service's ports/,
    );
  });
});

describe("include: shares fragments with local overrides", () => {
  it("merges the fragment under the stack file, which wins", async () => {
    const dir = tempProject({
      Dockerfile: DOCKERFILE,
      "shared/datastore.yaml":
        "services:\n  redis: { image: api, ports: [6379], timeout: 30s }\n  postgresql: { image: api, ports: [5432] }\n",
      "paddock.yaml":
        "name: demo\ninclude: [shared/datastore.yaml]\nimages:\n  api: { dockerfile: Dockerfile }\nservices:\n  redis: { timeout: 90s }\n  postgresql: null\n",
    });
    const result = await runCli(["plan", "--format", "json"], { cwd: dir });
    expect(result.stderr).toBe("");
    const plan = JSON.parse(result.stdout) as { tasks: { id: string }[] };
    const ids = plan.tasks.map((t) => t.id);
    expect(ids).toContain("deploy:redis");
    expect(ids).not.toContain("deploy:postgresql");
  });
});
