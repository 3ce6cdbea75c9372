import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { taskSeconds } from "./intervals.js";
import type { Profile, TaskState } from "./types.js";

/** How many runs the history keeps (the oldest are dropped). */
export const HISTORY_CAP = 50;
/** How many recent samples an estimate looks at. */
export const ESTIMATE_WINDOW = 10;

export interface HistoryTask {
  seconds: number;
  cached: boolean;
  state: TaskState;
}

export interface HistoryRun {
  runId: string;
  stack: string;
  startedAt: string;
  strategy: Profile["strategy"];
  tasks: Record<string, HistoryTask>;
}

export interface History {
  version: 1;
  runs: HistoryRun[];
}

export interface ReadHistoryResult {
  history: History;
  /** Set when the file existed but could not be used (unreadable, not JSON, wrong shape or version). */
  warning?: string;
}

export function emptyHistory(): History {
  return { version: 1, runs: [] };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const TASK_STATES: readonly string[] = ["succeeded", "failed", "cancelled", "skipped"];
const STRATEGIES: readonly string[] = ["graph", "phased", "sequential"];

function parseTask(value: unknown): HistoryTask | undefined {
  if (!isRecord(value)) return undefined;
  const { seconds, cached, state } = value;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) return undefined;
  if (typeof cached !== "boolean" || typeof state !== "string" || !TASK_STATES.includes(state)) return undefined;
  return { seconds, cached, state: state as TaskState };
}

function parseRun(value: unknown): HistoryRun | undefined {
  if (!isRecord(value)) return undefined;
  const { runId, stack, startedAt, strategy, tasks } = value;
  if (typeof runId !== "string" || typeof stack !== "string" || typeof startedAt !== "string") return undefined;
  if (typeof strategy !== "string" || !STRATEGIES.includes(strategy) || !isRecord(tasks)) return undefined;
  const parsedTasks: Record<string, HistoryTask> = {};
  for (const [id, task] of Object.entries(tasks)) {
    const parsed = parseTask(task);
    if (parsed === undefined) return undefined;
    parsedTasks[id] = parsed;
  }
  return { runId, stack, startedAt, strategy: strategy as Profile["strategy"], tasks: parsedTasks };
}

/** Validate parsed JSON as a History. Malformed runs are dropped and reported in `dropped`. */
export function parseHistory(value: unknown): { history: History; dropped: number } | undefined {
  if (!isRecord(value) || value.version !== 1 || !Array.isArray(value.runs)) return undefined;
  const runs = value.runs.map(parseRun);
  const valid = runs.filter((r): r is HistoryRun => r !== undefined);
  return { history: { version: 1, runs: valid }, dropped: runs.length - valid.length };
}

/**
 * Read the history. A missing file is a normal first run: empty history, no warning.
 * An unreadable, non-JSON or wrongly shaped file gives an empty history and a warning; never throws.
 */
export async function readHistory(historyPath: string): Promise<ReadHistoryResult> {
  let text: string;
  try {
    text = await readFile(historyPath, "utf8");
  } catch (error) {
    if (isRecord(error) && error.code === "ENOENT") return { history: emptyHistory() };
    return {
      history: emptyHistory(),
      warning: `cannot read run history ${historyPath}: ${String(error)}; starting a new one`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      history: emptyHistory(),
      warning: `run history ${historyPath} is not valid JSON (${String(error)}); starting a new one`,
    };
  }
  const parsed = parseHistory(json);
  if (parsed === undefined) {
    return {
      history: emptyHistory(),
      warning: `run history ${historyPath} is not a version 1 history; starting a new one`,
    };
  }
  if (parsed.dropped > 0) {
    return {
      history: parsed.history,
      warning: `run history ${historyPath}: ignored ${parsed.dropped} malformed run(s)`,
    };
  }
  return { history: parsed.history };
}

/** The history entry for one profile: each task's wall seconds (end − start), cache flag and state. */
export function historyRunOf(profile: Profile): HistoryRun {
  const tasks: Record<string, HistoryTask> = {};
  for (const task of profile.tasks) {
    tasks[task.id] = {
      seconds: Math.round(taskSeconds(task) * 1000) / 1000,
      cached: task.cached !== false || task.change === "unchanged",
      state: task.state,
    };
  }
  return {
    runId: profile.runId,
    stack: profile.stack,
    startedAt: profile.startedAt,
    strategy: profile.strategy,
    tasks,
  };
}

/** Append a run to a history (pure), replacing an entry with the same run id, keeping the last `cap` runs. */
export function addRun(history: History, run: HistoryRun, cap = HISTORY_CAP): History {
  const runs = [...history.runs.filter((r) => r.runId !== run.runId), run];
  return { version: 1, runs: runs.slice(Math.max(0, runs.length - cap)) };
}

/** Write a file atomically: a temp file in the same directory, then rename over the target. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, content, "utf8");
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Record a finished run in the history file (created if missing). A corrupt file is replaced after being
 * kept aside as `<path>.corrupt`; the warning says so.
 */
export async function appendRun(
  historyPath: string,
  profile: Profile,
): Promise<{ history: History; warning?: string }> {
  const read = await readHistory(historyPath);
  let warning = read.warning;
  if (warning !== undefined && read.history.runs.length === 0) {
    try {
      await rename(historyPath, `${historyPath}.corrupt`);
      warning = `${warning} (old file kept as ${historyPath}.corrupt)`;
    } catch {
      // Nothing to keep aside (unreadable path); the write below reports real problems.
    }
  }
  const history = addRun(read.history, historyRunOf(profile));
  await writeFileAtomic(historyPath, `${JSON.stringify(history, null, 2)}\n`);
  return warning === undefined ? { history } : { history, warning };
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

export interface EstimateOptions {
  /** Estimate cache-hit durations instead of real-work durations. Default false. */
  cached?: boolean;
  /** Samples per task (most recent first). Default 10. */
  window?: number;
}

/**
 * Expected seconds per task id for a stack: the median of the task's last ≤10 succeeded durations with the
 * requested cache flag (non-cached by default). The median ignores the odd outlier (a cold machine, a
 * registry hiccup). Tasks with no such sample are absent from the result.
 */
export function estimateDurations(
  history: History,
  stack: string,
  options: EstimateOptions = {},
): Record<string, number> {
  const cached = options.cached ?? false;
  const window = options.window ?? ESTIMATE_WINDOW;
  const samples = new Map<string, number[]>();
  const runs = history.runs.filter((r) => r.stack === stack);
  for (let i = runs.length - 1; i >= 0; i--) {
    const run = runs[i];
    if (run === undefined) continue;
    for (const [id, task] of Object.entries(run.tasks)) {
      if (task.state !== "succeeded" || task.cached !== cached) continue;
      const list = samples.get(id) ?? [];
      if (list.length < window) list.push(task.seconds);
      samples.set(id, list);
    }
  }
  const estimates: Record<string, number> = {};
  for (const [id, list] of samples) {
    const value = median(list);
    if (value !== undefined) estimates[id] = value;
  }
  return estimates;
}
