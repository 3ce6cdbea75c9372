import { describe, expect, it } from "vitest";
import { runCli, tempProject } from "../helpers/cli.js";

const UPGRADING =
  "FROM debian:12\n# we no longer run dnf update here\nRUN apt-get update && apt-get upgrade -y && apt-get install -y curl\nUSER 1000\n";
const CLEAN = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nUSER 1000\n";

describe("paddock lint", () => {
  it("lints the stack's Dockerfiles, exits 1 on an error, and prints file:line:col severity rule", async () => {
    const dir = tempProject({
      "api/Dockerfile": UPGRADING,
      "web/Dockerfile": CLEAN,
      "paddock.yaml":
        "name: shop\nimages:\n  api: { dockerfile: api/Dockerfile }\n  web: { dockerfile: web/Dockerfile }\n",
    });
    const result = await runCli(["lint"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^api\/Dockerfile:3:\d+ error package-upgrade /m);
    expect(result.stdout).not.toContain("web/Dockerfile");
  });

  it("honours the stack's lint policy: `require` flags a stage that installs without upgrading", async () => {
    const dir = tempProject({
      "web/Dockerfile": CLEAN,
      "paddock.yaml":
        "name: shop\nimages:\n  web: { dockerfile: web/Dockerfile }\nlint:\n  packageUpgrade: { policy: require }\n",
    });
    const result = await runCli(["lint", "--format", "json"], { cwd: dir });
    const findings = JSON.parse(result.stdout) as { rule: string; line: number }[];
    expect(findings.map((f) => `${f.rule}@${f.line}`)).toEqual(["package-upgrade@2"]);
    expect(result.code).toBe(1);
  });

  it("writes SARIF with relative paths", async () => {
    const dir = tempProject({ "api/Dockerfile": UPGRADING });
    const result = await runCli(["lint", "--format", "sarif", "api/Dockerfile"], { cwd: dir });
    const sarif = JSON.parse(result.stdout) as {
      version: string;
      runs: {
        results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
      }[];
    };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]?.results[0]?.ruleId).toBe("package-upgrade");
    expect(sarif.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe("api/Dockerfile");
  });

  it("stops `paddock up` before anything starts when a Dockerfile has an error, unless --no-lint", async () => {
    const dir = tempProject({
      "api/Dockerfile": UPGRADING,
      "paddock.yaml": "name: shop\nimages:\n  api: { dockerfile: api/Dockerfile }\nservices:\n  api: { image: api }\n",
    });
    const result = await runCli(["up"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Dockerfile lint found errors (above); nothing was started");
    expect(result.stderr).toMatch(/api\/Dockerfile:3:\d+ error package-upgrade/);
  });
});
