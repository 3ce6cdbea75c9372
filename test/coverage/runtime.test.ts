import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadStack } from "../../src/config/load.js";
import { coverageEnv, coverageKindOf, coverageTargets } from "../../src/coverage/runtime.js";
import { buildPlan } from "../../src/plan/build-plan.js";
import { tempProject } from "../helpers/cli.js";

function stackWith(extra: string[] = []) {
  const dir = tempProject({
    "go/Dockerfile": "FROM scratch\n",
    "js/Dockerfile": "FROM scratch\n",
    "paddock.yaml": [
      "name: cov",
      "images:",
      "  goimg: { dockerfile: go/Dockerfile, coverage: go }",
      "  jsimg: { dockerfile: js/Dockerfile, coverage: node }",
      "services:",
      "  api: { image: goimg }",
      "  web: { image: jsimg }",
      "  db: { image: postgres:16 }",
      "jobs:",
      "  seed: { image: jsimg }",
      "test: { command: [npm, test] }",
      ...extra,
    ].join("\n"),
  });
  return loadStack(path.join(dir, "paddock.yaml"));
}

describe("which services collect coverage, and how", () => {
  it("every service whose image declares it; not upstream images, not jobs", () => {
    const stack = stackWith();
    expect(coverageTargets(stack).map((t) => [t.service.name, t.kind])).toEqual([["api", "go"], ["web", "node"]]);
    expect(coverageKindOf(stack, "db")).toBeUndefined();
    expect(coverageKindOf(stack, "seed")).toBeUndefined();
    expect(coverageEnv("go")).toEqual({ GOCOVERDIR: "/paddock-coverage" });
    expect(coverageEnv("node")).toEqual({ NODE_V8_COVERAGE: "/paddock-coverage" });
    expect(buildPlan(stack, { strategy: "graph", mode: "test", capabilities: { loadsImages: false, collectsCoverage: true } }).tasks.some((t) => t.id === "collect:coverage")).toBe(true);
  });

  it("none with `coverage: false`, and no collect:coverage task", () => {
    const stack = stackWith(["coverage: false"]);
    expect(coverageTargets(stack)).toEqual([]);
    expect(buildPlan(stack, { strategy: "graph", mode: "test", capabilities: { loadsImages: false, collectsCoverage: true } }).tasks.some((t) => t.id === "collect:coverage")).toBe(false);
  });
});
