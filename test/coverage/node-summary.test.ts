import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { summarizeNode } from "../../src/coverage/node-summary.js";
import { applicationScriptPath, applicationScripts } from "../../src/coverage/v8-data.js";
import { tempProject } from "../helpers/cli.js";

// A real V8 coverage file: the host's node runs a small module with NODE_V8_COVERAGE set.
const GRADE = `export function grade(n) {
  if (n > 90) return "a";
  if (n > 50) return "b";
  return "c";
}

function unused() {
  return 42;
}

console.log(grade(95), grade(60), typeof unused);
`;

describe("Node coverage summary from real V8 data", () => {
  let dir: string;
  let script: string;
  beforeAll(async () => {
    dir = tempProject({ "app/grade.mjs": GRADE, "app/node_modules/dep/index.mjs": "export const x = 1;\n" });
    script = path.join(dir, "app", "grade.mjs");
    await execa(process.execPath, [script], { env: { NODE_V8_COVERAGE: path.join(dir, "data") } });
    // What the docker provider does with `docker cp`: the script at its own path below sources/.
    mkdirSync(path.dirname(path.join(dir, "sources", script)), { recursive: true });
    copyFileSync(script, path.join(dir, "sources", script));
  });

  it("names only application scripts: no node internals, no node_modules", () => {
    expect(applicationScripts(path.join(dir, "data"))).toEqual([script]);
    expect(applicationScriptPath("node:internal/modules/run_main")).toBeUndefined();
    expect(applicationScriptPath("file:///app/node_modules/pg/lib/index.js")).toBeUndefined();
    expect(applicationScriptPath("file:///app/server.js")).toBe("/app/server.js");
  });

  it("counts lines, functions and branches, and writes lcov and HTML", async () => {
    const out = path.join(dir, "out");
    const summary = await summarizeNode([{ service: "grader", dataDir: path.join(dir, "data"), sourcesDir: path.join(dir, "sources") }], out);
    const [grader] = summary.services;
    expect(grader?.scripts).toEqual([script]);
    expect(grader?.problems).toEqual([]);
    // grade(95) and grade(60) run; `return "c"` and unused() do not.
    expect(grader?.functions).toEqual({ covered: 1, total: 2, pct: 50 });
    expect(grader?.branches).toEqual({ covered: 3, total: 4, pct: 75 });
    expect(grader?.lines.total).toBeGreaterThan(grader?.lines.covered ?? Infinity);
    const file = summary.map.fileCoverageFor(path.join(dir, "sources", script));
    expect(file.getUncoveredLines().map(Number)).toEqual([4, 7, 8, 9]);
    expect(summary.merged).toEqual({ lines: grader?.lines, functions: grader?.functions, branches: grader?.branches, statements: grader?.statements });
    const lcov = readFileSync(path.join(out, "lcov.info"), "utf8");
    expect(lcov).toContain(`SF:${path.relative(out, path.join(dir, "sources", script))}`);
    expect(lcov).toContain("DA:4,0");
    expect(existsSync(path.join(out, "html", "index.html"))).toBe(true);
  });

  it("keeps two services apart even when their scripts share a container path", async () => {
    const other = path.join(dir, "other");
    mkdirSync(path.dirname(path.join(other, "sources", script)), { recursive: true });
    writeFileSync(path.join(other, "sources", script), GRADE);
    const summary = await summarizeNode(
      [
        { service: "a", dataDir: path.join(dir, "data"), sourcesDir: path.join(dir, "sources") },
        { service: "b", dataDir: path.join(dir, "data"), sourcesDir: path.join(other, "sources") },
      ],
      undefined,
    );
    expect(summary.map.files()).toHaveLength(2);
    expect(summary.merged.functions).toEqual({ covered: 2, total: 4, pct: 50 });
  });

  it("says which script it could not summarise instead of failing", async () => {
    const summary = await summarizeNode([{ service: "x", dataDir: path.join(dir, "data"), sourcesDir: path.join(dir, "nothing-copied") }], undefined);
    expect(summary.services[0]?.problems).toEqual([`${script}: source not copied out of the container`]);
    expect(summary.services[0]?.lines.pct).toBeNull();
  });

  it("names a truncated V8 file instead of failing", async () => {
    const broken = tempProject({ "data/coverage-1-1-0.json": '{"result": [' });
    const summary = await summarizeNode([{ service: "x", dataDir: path.join(broken, "data"), sourcesDir: path.join(broken, "sources") }], undefined);
    expect(summary.services[0]?.problems).toEqual([expect.stringMatching(/^coverage-1-1-0\.json: .* is not JSON .*killed while writing/)]);
    expect(applicationScripts(path.join(broken, "data"))).toEqual([]);
  });
});
