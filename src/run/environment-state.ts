import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { Endpoint } from "../providers/types.js";
import { writeJsonAtomic } from "../profile/recorder.js";
import { paddockDir } from "../util/paddock-dir.js";

/** An environment `paddock up` left running: what `down` and `status` need to find it again. */
export interface EnvironmentState {
  runId: string;
  stack: string;
  provider: string;
  createdAt: string;
  runDir: string;
  endpoints: Endpoint[];
  env: Record<string, string>;
}

const stateDir = (stackDir: string): string => path.join(paddockDir(stackDir), "environments");

export function saveEnvironment(stackDir: string, state: EnvironmentState): void {
  const dir = stateDir(stackDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeJsonAtomic(path.join(dir, `${state.runId}.json`), state);
}

export function listEnvironments(stackDir: string): EnvironmentState[] {
  const dir = stateDir(stackDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as EnvironmentState)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export function forgetEnvironment(stackDir: string, runId: string): void {
  rmSync(path.join(stateDir(stackDir), `${runId}.json`), { force: true });
}
