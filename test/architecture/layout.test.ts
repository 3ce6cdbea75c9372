import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/cli.js";
import { folderCycles, folderOf, importEdges, sourceFiles } from "./imports.js";

const src = path.join(repoRoot, "src");
const edges = importEdges(src);

describe("the code's layout", () => {
  it("has no import cycle between folders of src/", () => {
    expect(folderCycles(edges).map((c) => c.join(" → "))).toEqual([]);
  });

  it("keeps provider internals behind the provider registry: the CLI, doctor, plan and runs import no provider's folder", () => {
    const leaks = edges.filter(
      (e) =>
        ["cli", "doctor", "plan", "run"].includes(folderOf(e.from)) &&
        /^providers\/(docker|kind|kubernetes)\//.test(e.to),
    );
    expect(leaks.map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });

  it("keeps the Kubernetes layer free of kind: kubernetes/ imports nothing from kind/ or docker/", () => {
    const leaks = edges.filter(
      (e) => e.from.startsWith(`providers${path.sep}kubernetes`) && /^providers\/(docker|kind)\//.test(e.to),
    );
    expect(leaks.map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });

  it("has no source file over 300 lines", () => {
    // Lines as `wc -l` counts them: the final newline ends the last line, it does not start another.
    const long = sourceFiles(src)
      .map((file) => ({
        file: path.relative(repoRoot, file),
        lines: readFileSync(file, "utf8").replace(/\n$/, "").split("\n").length,
      }))
      .filter((f) => f.lines > 300);
    expect(long).toEqual([]);
  });
});
