import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../helpers/cli.js";
import { engineAvailable, smallStack } from "../e2e/docker-helpers.js";

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  if?: string;
  run?: string;
  shell?: string;
  "working-directory"?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
const action = parse(readFileSync(path.join(repoRoot, "action.yml"), "utf8")) as {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: Step[] };
};
const step = (name: string): Step => action.runs.steps.find((s) => s.name === name || s.id === name) ?? {};
const hasEngine = await engineAvailable();

describe("action.yml", () => {
  it("is a composite action: Node, Paddock from the action's own checkout, paddock test, and the run directory uploaded always", () => {
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(["working-directory", "args", "node-version", "junit"]),
    );
    expect(action.inputs["node-version"]?.default).toBe("20");
    expect(action.runs.steps[0]?.uses).toBe("actions/setup-node@v4");
    expect(step("Install Paddock")).toMatchObject({
      "working-directory": "${{ github.action_path }}",
      run: "npm ci --no-audit --no-fund && npm run build",
    });
    const upload = step("Upload the run directory");
    expect(upload.uses).toBe("actions/upload-artifact@v4");
    expect(upload.if).toMatch(/^always\(\)/);
    expect(upload.with?.["path"]).toContain("${{ steps.run-dir.outputs.run-dir }}");
  });

  it.skipIf(!hasEngine)(
    "its shell steps run `paddock test` with the arguments and the JUnit path, and find the run directory",
    { timeout: 300_000 },
    async () => {
      const stackDir = smallStack();
      const env = (s: Step, extra: Record<string, string>): Record<string, string> => ({
        ...Object.fromEntries(
          Object.entries(s.env ?? {}).map(([k, v]) => [
            k,
            v.includes("inputs.args")
              ? "--strategy sequential --progress plain"
              : v.includes("inputs.junit")
                ? "out/junit.xml"
                : v,
          ]),
        ),
        GITHUB_ACTION_PATH: repoRoot,
        ...extra,
      });
      const test = step("paddock test");
      const run = await execa("bash", ["-eo", "pipefail", "-c", test.run ?? ""], {
        cwd: stackDir,
        env: env(test, {}),
        reject: false,
        timeout: 240_000,
      });
      expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
      expect(run.stderr).toContain("sequential strategy");
      expect(existsSync(path.join(stackDir, "out", "junit.xml"))).toBe(true);

      const output = path.join(stackDir, "github-output");
      const find = step("run-dir");
      const found = await execa("bash", ["-eo", "pipefail", "-c", find.run ?? ""], {
        cwd: path.join(stackDir, "out"),
        env: env(find, { GITHUB_OUTPUT: output }),
        reject: false,
      });
      expect(found.exitCode, found.stderr).toBe(0);
      const runDir = /^run-dir=(.*)$/m.exec(readFileSync(output, "utf8"))?.[1] ?? "";
      expect(existsSync(path.join(runDir, "profile.json"))).toBe(true);
      expect(path.dirname(runDir)).toBe(path.join(stackDir, ".paddock", "runs"));
    },
  );
});
