import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Profile, ProfileTask, TaskKind } from "../../../src/profile/types.js";
import { taskKind } from "../../../src/tasks/registry.js";

export function loadFixture(name: "seeds-phased" | "seeds-graph"): Profile {
  const path = fileURLToPath(new URL(`../fixtures/${name}.json`, import.meta.url));
  return JSON.parse(readFileSync(path, "utf8")) as Profile;
}

export function task(
  id: string,
  kind: TaskKind,
  start: number,
  end: number,
  overrides: Partial<ProfileTask> = {},
): ProfileTask {
  return {
    id,
    kind,
    phase: taskKind(kind).phase,
    dependsOn: [],
    start,
    end,
    state: "succeeded",
    cached: false,
    attempts: 1,
    attemptLog: [{ start, end, outcome: "ok" }],
    ...overrides,
  };
}

export function profileOf(tasks: ProfileTask[], overrides: Partial<Profile> = {}): Profile {
  return {
    runId: "run-1",
    stack: "demo",
    strategy: "graph",
    provider: "kind",
    startedAt: "2025-01-01T00:00:00.000Z",
    wallSeconds: Math.max(0, ...tasks.map((t) => t.end)),
    state: "succeeded",
    tasks,
    ...overrides,
  };
}

/** The graph fixture with deploy:signalprocessing failed and everything after it cancelled. */
export function failedGraphProfile(error = "rollout timed out: 0/1 pods ready"): Profile {
  const profile = loadFixture("seeds-graph");
  const tasks = profile.tasks.map((t): ProfileTask => {
    if (t.id === "deploy:signalprocessing") {
      return { ...t, state: "failed", end: 150.2, error, attemptLog: [{ start: t.start, end: 150.2, outcome: error }] };
    }
    if (["test", "collect:coverage", "env:delete"].includes(t.id)) {
      return { ...t, state: "cancelled", start: 150.2, end: 150.2, attempts: 0, attemptLog: [] };
    }
    return t;
  });
  return { ...profile, runId: "failed-run", state: "failed", wallSeconds: 150.2, tasks };
}
