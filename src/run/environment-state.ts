import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { processAlive } from "../providers/liveness.js";
import type { Endpoint } from "../providers/types.js";
import { writeJsonAtomic } from "../profile/recorder.js";
import { paddockDir } from "../util/paddock-dir.js";

/** An environment `paddock up` left running: what `down` and `status` need to find it again. */
export interface EnvironmentState {
  runId: string;
  stack: string;
  provider: string;
  createdAt: string;
  /** The last run that updated it in place (`up` again, `test --reuse`). */
  updatedAt?: string;
  /** The newest run's directory (its kubeconfig, logs). */
  runDir: string;
  /** `starting` from before anything starts until the run ends; `up` once left running. */
  status?: "starting" | "up";
  /** The process that made it, and its host: a `starting` record whose process is gone is a crashed run. */
  pid?: number;
  host?: string;
  endpoints: Endpoint[];
  env: Record<string, string>;
}

const stateDir = (stackDir: string): string => path.join(paddockDir(stackDir), "environments");

export function saveEnvironment(stackDir: string, state: EnvironmentState): void {
  const dir = stateDir(stackDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeJsonAtomic(path.join(dir, `${state.runId}.json`), state);
}

export interface EnvironmentList {
  environments: EnvironmentState[];
  /** Records that could not be read (a corrupt or foreign file), each with why: skipped, never fatal. */
  unreadable: { file: string; problem: string }[];
}

function readRecord(file: string): EnvironmentState {
  const value: unknown = JSON.parse(readFileSync(file, "utf8"));
  const record = value as Partial<EnvironmentState> | null;
  if (
    typeof record !== "object" ||
    record === null ||
    typeof record.runId !== "string" ||
    typeof record.runDir !== "string"
  ) {
    throw new Error("not an environment record (runId and runDir missing)");
  }
  return { endpoints: [], env: {}, createdAt: "", stack: "", provider: "docker", ...record } as EnvironmentState;
}

export function listEnvironments(stackDir: string): EnvironmentList {
  const dir = stateDir(stackDir);
  if (!existsSync(dir)) return { environments: [], unreadable: [] };
  const environments: EnvironmentState[] = [];
  const unreadable: EnvironmentList["unreadable"] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const file = path.join(dir, name);
    try {
      environments.push(readRecord(file));
    } catch (error) {
      unreadable.push({ file, problem: error instanceof Error ? error.message.split("\n")[0]! : String(error) });
    }
  }
  return { environments: environments.sort((a, b) => a.createdAt.localeCompare(b.createdAt)), unreadable };
}

/** Where a record's run stands: left up, still running (another process is at work), or crashed. */
export function recordStatus(state: EnvironmentState): "up" | "running" | "crashed" {
  if (state.status !== "starting") return "up";
  if (state.host !== undefined && state.host !== os.hostname()) return "running";
  return state.pid !== undefined && processAlive(state.pid) ? "running" : "crashed";
}

export function forgetEnvironment(stackDir: string, runId: string): void {
  rmSync(path.join(stateDir(stackDir), `${runId}.json`), { force: true });
}
