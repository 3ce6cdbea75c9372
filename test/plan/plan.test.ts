import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadStack } from "../../src/config/load.js";
import { buildPlan } from "../../src/plan/build-plan.js";
import { estimateStack, justInTimeStart } from "../../src/plan/estimate.js";
import { readDurationsFile } from "../../src/cli/plan.js";
import { repoRoot, runCli, tempProject } from "../helpers/cli.js";

const seedsDir = path.join(repoRoot, "bench", "stacks", "signalprocessing");
const seeds = loadStack(path.join(seedsDir, "paddock.yaml"));
const seedDurations = readDurationsFile(path.join(seedsDir, "durations.json"));
const twoBuildSlots = { build: 2, load: 2, api: 4, pull: 4 };

describe("images the cache registry has", () => {
  it("are pulled without waiting for their bases, in pull slots beside the builds", () => {
    const example = loadStack(path.join(repoRoot, "examples", "hybrid-stack", "paddock.yaml"));
    const plan = buildPlan(example, {
      strategy: "graph",
      mode: "up",
      capabilities: { loadsImages: false, collectsCoverage: false },
      pulledImages: new Set(["node-runtime", "gateway"]),
    });
    const task = (id: string) => plan.tasks.find((t) => t.id === id)!;
    expect(task("build:gateway")).toMatchObject({ resource: "pull", dependsOn: [] });
    expect(task("build:node-runtime")).toMatchObject({ resource: "pull", dependsOn: [] });
    // Built here: its base (pulled) still comes first, in a build slot.
    expect(task("build:processor")).toMatchObject({ resource: "build", dependsOn: ["build:node-runtime"] });
  });
});

describe("the seeds' SignalProcessing stack", () => {
  it("has the task ids and edges of the graph strategy", () => {
    const plan = buildPlan(seeds, {
      strategy: "graph",
      mode: "up",
      capabilities: { loadsImages: true, collectsCoverage: false },
    });
    const deps = Object.fromEntries(plan.tasks.map((t) => [t.id, [...t.dependsOn].sort()]));
    expect(Object.keys(deps).sort()).toEqual(
      [
        "build:datastorage",
        "build:signalprocessing",
        "deploy:datastorage",
        "deploy:postgresql",
        "deploy:redis",
        "deploy:signalprocessing",
        "env:bootstrap",
        "env:create",
        "env:delete",
        "job:migrations",
        "load:datastorage",
        "load:signalprocessing",
      ].sort(),
    );
    expect(deps["load:signalprocessing"]).toEqual(["build:signalprocessing", "env:create"]);
    expect(deps["deploy:datastorage"]).toEqual([
      "deploy:redis",
      "env:bootstrap",
      "env:create",
      "job:migrations",
      "load:datastorage",
    ]);
    expect(deps["env:create"]).toEqual([]);
  });

  it("phased adds the seeds' barriers", () => {
    const plan = buildPlan(seeds, {
      strategy: "phased",
      mode: "up",
      capabilities: { loadsImages: true, collectsCoverage: false },
    });
    const deps = Object.fromEntries(plan.tasks.map((t) => [t.id, t.dependsOn]));
    expect(deps["env:create"]).toEqual(expect.arrayContaining(["build:signalprocessing", "build:datastorage"]));
    expect(deps["load:datastorage"]).toContain("env:bootstrap");
    expect(deps["deploy:postgresql"]).toEqual(expect.arrayContaining(["load:signalprocessing", "load:datastorage"]));
  });

  it("estimates phased at the seeds' 201.1 s and graph at 144.8 s with 2 build slots", () => {
    const estimate = estimateStack(
      seeds,
      { mode: "up", capabilities: { loadsImages: true, collectsCoverage: false } },
      seedDurations,
      twoBuildSlots,
    );
    expect(estimate.strategies.phased.wallSeconds).toBeCloseTo(201.1, 1);
    expect(estimate.strategies.graph.wallSeconds).toBeCloseTo(144.8, 1);
    expect(estimate.strategies.sequential.wallSeconds).toBeCloseTo(284.1, 1);
    expect(estimate.criticalPath).toEqual([
      "build:signalprocessing",
      "load:signalprocessing",
      "deploy:signalprocessing",
    ]);
    expect(estimate.lowerBoundSeconds).toBeCloseTo(144.8, 1);
  });

  it("honours build slots: one slot serialises the builds", () => {
    const estimate = estimateStack(
      seeds,
      { mode: "up", capabilities: { loadsImages: true, collectsCoverage: false } },
      seedDurations,
      { ...twoBuildSlots, build: 1 },
    );
    // datastorage (shorter chain) waits for signalprocessing: 125.4 + 70 + 8 + 12 + 8.1
    expect(estimate.strategies.graph.wallSeconds).toBeCloseTo(223.5, 1);
    expect(estimate.lowerBoundSeconds).toBeCloseTo(195.4, 1);
  });

  it("`paddock plan --format json` prints tasks, strategies, critical path and lower bound", async () => {
    const result = await runCli([
      "plan",
      "-c",
      path.join(seedsDir, "paddock.yaml"),
      "--durations",
      path.join(seedsDir, "durations.json"),
      "--format",
      "json",
    ]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as {
      tasks: { id: string; kind: string; dependsOn: string[] }[];
      strategies: Record<string, { wallSeconds: number }>;
      criticalPath: string[];
      lowerBoundSeconds: number;
    };
    expect(json.tasks.find((t) => t.id === "job:migrations")).toMatchObject({
      kind: "job",
      dependsOn: expect.arrayContaining(["deploy:postgresql"]),
    });
    expect(json.strategies["phased"]?.wallSeconds).toBe(201.1);
    expect(json.strategies["graph"]?.wallSeconds).toBe(144.8);
    expect(json.criticalPath).toEqual(["build:signalprocessing", "load:signalprocessing", "deploy:signalprocessing"]);
    expect(json.lowerBoundSeconds).toBe(144.8);
  });

  it("`paddock plan --format dot` is a Graphviz digraph with the critical path in red", async () => {
    const result = await runCli([
      "plan",
      "-c",
      path.join(seedsDir, "paddock.yaml"),
      "--durations",
      path.join(seedsDir, "durations.json"),
      "--format",
      "dot",
    ]);
    expect(result.stdout).toMatch(/^digraph "signalprocessing" \{/);
    expect(result.stdout).toContain('"load:signalprocessing" -> "deploy:signalprocessing" [color="red", penwidth=2];');
  });
});

describe("plans for the docker provider and for `test`", () => {
  const dir = tempProject({
    "base/Dockerfile": "FROM scratch\n",
    "api/Dockerfile": "ARG BASE\nFROM ${BASE}\n",
    "paddock.yaml": [
      "name: demo",
      "images:",
      "  base: { dockerfile: base/Dockerfile }",
      '  api: { dockerfile: api/Dockerfile, args: { BASE: "${images.base}" }, coverage: node }',
      "services:",
      "  db: { image: postgres:16 }",
      "  api: { image: api, dependsOn: [migrate] }",
      "jobs:",
      "  migrate: { image: postgres:16, dependsOn: [db] }",
      "test: { command: [npm, test] }",
    ].join("\n"),
  });
  const stack = loadStack(path.join(dir, "paddock.yaml"));

  it("orders builds through ${images.X} and needs no load step", () => {
    const plan = buildPlan(stack, {
      strategy: "graph",
      mode: "up",
      capabilities: { loadsImages: false, collectsCoverage: false },
    });
    const byId = new Map(plan.tasks.map((t) => [t.id, t]));
    expect(byId.get("build:api")?.dependsOn).toEqual(["build:base"]);
    expect(plan.tasks.some((t) => t.kind === "load")).toBe(false);
    expect(byId.get("deploy:api")?.dependsOn).toEqual(["env:create", "build:api", "job:migrate"]);
    expect(byId.has("test")).toBe(false);
    // After `up`, teardown runs only when the run failed.
    expect(byId.get("env:delete")?.finalizer).toEqual({ requires: "env:create", onlyOnFailure: true });
  });

  it("adds test, coverage collection and teardown for `test`; --keep keeps the environment", () => {
    const plan = buildPlan(stack, {
      strategy: "graph",
      mode: "test",
      capabilities: { loadsImages: false, collectsCoverage: true },
    });
    const byId = new Map(plan.tasks.map((t) => [t.id, t]));
    expect(byId.get("test")?.dependsOn).toEqual(expect.arrayContaining(["deploy:api", "deploy:db", "job:migrate"]));
    // After the tests, and after every workload settled (a failed deploy cancels the tests while others may still start).
    expect(byId.get("collect:coverage")?.dependsOn).toEqual(["test", "deploy:db", "deploy:api", "job:migrate"]);
    expect(byId.get("collect:coverage")?.finalizer).toEqual({ requires: "env:create" });
    expect(byId.get("env:delete")?.finalizer).toEqual({ requires: "env:create", onlyOnFailure: false });
    expect(byId.get("env:delete")?.dependsOn).toEqual(
      expect.arrayContaining(["test", "collect:coverage", "build:api"]),
    );
    // The summaries need only the copied data: they run beside teardown, also after failed tests.
    expect(byId.get("summarize:coverage")?.dependsOn).toEqual(["collect:coverage"]);
    expect(byId.get("summarize:coverage")?.finalizer).toEqual({ requires: "collect:coverage" });
    expect(byId.get("env:delete")?.dependsOn).not.toContain("summarize:coverage");
    const kept = buildPlan(stack, {
      strategy: "graph",
      mode: "test",
      keep: true,
      capabilities: { loadsImages: false, collectsCoverage: false },
    });
    expect(kept.tasks.some((t) => t.id === "env:delete")).toBe(false);
  });

  it("starts the environment just in time when every user waits on a long build", () => {
    const plan = buildPlan(stack, {
      strategy: "graph",
      mode: "up",
      capabilities: { loadsImages: false, collectsCoverage: false },
    });
    const imageOnly = {
      ...plan,
      tasks: plan.tasks
        .filter((t) => !["deploy:db", "job:migrate"].includes(t.id))
        .map((t) => ({ ...t, dependsOn: t.dependsOn.filter((d) => d !== "job:migrate") })),
    };
    const durations = { "build:base": 30, "build:api": 60, "env:create": 20, "deploy:api": 5 };
    expect(justInTimeStart(imageOnly, durations, { build: 2, load: 2, api: 4, pull: 4 }, 0)).toBe(70);
    expect(justInTimeStart(imageOnly, durations, { build: 2, load: 2, api: 4, pull: 4 }, 60)).toBe(10);
    expect(
      justInTimeStart({ ...imageOnly, strategy: "phased" }, durations, { build: 2, load: 2, api: 4, pull: 4 }, 0),
    ).toBe(0);
  });
});

describe("paddock plan's text", () => {
  it("lists the teardown that runs only after a failure apart from the predicted run", async () => {
    const result = await runCli(["plan", "--durations", path.join(seedsDir, "durations.json")], { cwd: seedsDir });
    expect(result.code).toBe(0);
    const rows = result.stdout.split("\n").filter((l) => /^[* ] \S+:\S*\s+\d/.test(l) || /^[* ] env:\S+\s+\d/.test(l));
    expect(rows.some((l) => l.includes("env:create"))).toBe(true);
    expect(rows.some((l) => l.includes("env:delete"))).toBe(false);
    expect(result.stdout).toMatch(
      /Only after a failure: env:delete \(\d+\.\d s\), to remove the half-made environment\./,
    );
  });
});
