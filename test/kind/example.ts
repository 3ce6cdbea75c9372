/** The kind example as the CLI tests run it on the stand-in: a copy with the layout its relative paths need. */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import YAML from "yaml";
import { repoRoot, type Sim } from "./helpers.js";

export const example = path.join(repoRoot, "examples", "kind-signalprocessing");
export const paddock = path.join(repoRoot, "bin", "paddock.js");

/**
 * The kind example as it is — Kind config, CRDs, policies, manifests, dependencies, its real images
 * (built from the same Dockerfiles as ../hybrid-stack, so the layer cache is shared) and its own
 * tests — with the layout its relative paths need. `healthzOnly` swaps the tests for one that only
 * asks both services' /healthz (for comparing coverage).
 */
export function copyExample(sim: Sim, options: { healthzOnly?: boolean } = {}): string {
  const root = path.join(sim.dir, "repo");
  const skip = (src: string): boolean =>
    !src.includes(`${path.sep}.paddock`) &&
    !src.includes(`${path.sep}coverage`) &&
    !src.includes(`${path.sep}node_modules`);
  cpSync(example, path.join(root, "examples", "kind-signalprocessing"), { recursive: true, filter: skip });
  cpSync(path.join(repoRoot, "examples", "hybrid-stack"), path.join(root, "examples", "hybrid-stack"), {
    recursive: true,
    filter: skip,
  });
  cpSync(path.join(repoRoot, "scripts", "engine-bootstrap.sh"), path.join(root, "scripts", "engine-bootstrap.sh"));
  const dir = path.join(root, "examples", "kind-signalprocessing");
  if (options.healthzOnly) {
    const stack = YAML.parse(readFileSync(path.join(dir, "paddock.yaml"), "utf8")) as Record<string, unknown>;
    stack["test"] = { command: ["node", "--test", "healthz-tests/"] };
    writeFileSync(path.join(dir, "paddock.yaml"), YAML.stringify(stack));
    mkdirSync(path.join(dir, "healthz-tests"));
    writeFileSync(
      path.join(dir, "healthz-tests", "healthz.test.mjs"),
      `import { test } from "node:test";
import assert from "node:assert/strict";
test("both services answer /healthz", async () => {
  for (const url of [process.env.PADDOCK_DATASTORAGE_URL, process.env.PADDOCK_SIGNALPROCESSING_URL]) assert.equal((await fetch(url + "/healthz")).status, 200);
});
`,
    );
  }
  return dir;
}

export function latestRun(dir: string): string {
  const runs = path.join(dir, ".paddock", "runs");
  return path.join(
    runs,
    readdirSync(runs)
      .filter((r) => r !== "latest")
      .sort()
      .at(-1)!,
  );
}

export async function cli(sim: Sim, cwd: string, args: string[]): Promise<{ code: number; output: string }> {
  const result = await execa(
    process.execPath,
    [paddock, ...args, ...(args[0] === "test" || args[0] === "up" ? ["--progress", "plain"] : [])],
    {
      cwd,
      env: { ...sim.env, FORCE_COLOR: "0", CI: "" },
      extendEnv: true,
      reject: false,
      all: true,
      // The first run may build the example's images cold (debootstrap base, apt, npm).
      timeout: 900_000,
    },
  );
  return { code: result.exitCode ?? -1, output: String(result.all ?? "") };
}
