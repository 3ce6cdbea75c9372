import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { lineOf } from "./manifest-stack.js";
import { repoRoot, useSim, type Sim } from "./helpers.js";

const paddock = path.join(repoRoot, "bin", "paddock.js");

/** The kind example with the layout its relative paths need (its images are built from ../hybrid-stack). */
function copyKindExample(sim: Sim): string {
  const root = path.join(sim.dir, "repo");
  const skip = (src: string): boolean =>
    !src.includes(`${path.sep}.paddock`) &&
    !src.includes(`${path.sep}coverage`) &&
    !src.includes(`${path.sep}node_modules`);
  for (const example of ["kind-signalprocessing", "hybrid-stack"])
    cpSync(path.join(repoRoot, "examples", example), path.join(root, "examples", example), {
      recursive: true,
      filter: skip,
    });
  cpSync(path.join(repoRoot, "scripts", "engine-bootstrap.sh"), path.join(root, "scripts", "engine-bootstrap.sh"));
  return path.join(root, "examples", "kind-signalprocessing");
}

describe("paddock test of the kind example with a typo in a manifest (simulated kind)", () => {
  it(
    "exits 1 with the manifest preflight's error before anything starts: no cluster, no kind or kubectl call",
    { timeout: 120_000 },
    async () => {
      const sim = useSim();
      const dir = copyKindExample(sim);
      const manifest = path.join(dir, "manifests", "signalprocessing.yaml");
      const original = readFileSync(manifest, "utf8");
      const text = original.replace(
        /^( {10})image: signalprocessing.*$/m,
        "$1image: signalprocessing\n$1imagePullPolcy: IfNotPresent",
      );
      expect(text).not.toBe(original);
      writeFileSync(manifest, text);

      const result = await execa(process.execPath, [paddock, "test", "--progress", "plain"], {
        cwd: dir,
        env: { ...sim.env, FORCE_COLOR: "0", CI: "" },
        reject: false,
        all: true,
        timeout: 120_000,
      });
      const output = String(result.all ?? "");
      expect(result.exitCode, output).toBe(1);
      expect(output).toContain(
        "the Kubernetes API server would reject this manifest (checked before the cluster exists; nothing was started)",
      );
      expect(output).toContain(
        `manifests/signalprocessing.yaml:${lineOf(text, "imagePullPolcy")}: document 5 (Deployment "signalprocessing"): spec.template.spec.containers[0].imagePullPolcy: unknown field "imagePullPolcy"`,
      );
      expect(output).toContain("fix: did you mean imagePullPolicy?");
      expect(output).toContain("--no-manifest-check");

      const commands = sim.commands();
      expect(commands.filter((c) => c.argv[1] === "create" && c.argv[2] === "cluster")).toEqual([]);
      expect(commands.map((c) => c.argv.join(" "))).toEqual([]);
    },
  );
});
