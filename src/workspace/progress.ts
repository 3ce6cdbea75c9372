import { colorEnabled, paintWith } from "../profile/color.js";
import type { SchedulerEvent } from "../scheduler/events.js";
import { taskKind } from "../tasks/registry.js";
import type { TaskKind } from "../tasks/kinds.js";
import { groupOfTask } from "./merge-plan.js";

export type WorkspaceProgressMode = "tty" | "plain" | "quiet" | "json";

interface StackView {
  name: string;
  tasks: number;
  done: number;
  failed: number;
  running: Map<string, string>;
  startedAt: number | undefined;
  endedAt: number | undefined;
  lastPhase: string;
}

const DONE = new Set(["succeeded", "failed", "cancelled", "skipped"]);

/**
 * The live view of a workspace run: a line per stack — its current phase, tasks done, elapsed
 * time — on a terminal (redrawn in place), or a plain line whenever a stack's phase changes or
 * a shared build ends (CI logs).
 */
export function createWorkspaceProgress(options: {
  mode: WorkspaceProgressMode;
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  stacks: { name: string; tasks: number }[];
  now: () => number;
}) {
  const { stream } = options;
  const color = colorEnabled(stream);
  const paint = paintWith(color);
  const views = new Map<string, StackView>(
    options.stacks.map((s) => [
      s.name,
      {
        name: s.name,
        tasks: s.tasks,
        done: 0,
        failed: 0,
        running: new Map(),
        startedAt: undefined,
        endedAt: undefined,
        lastPhase: "waiting",
      },
    ]),
  );
  const width = Math.max(...options.stacks.map((s) => s.name.length), 13);
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  const stamp = (at: number): string => `[${at.toFixed(1).padStart(6)}s]`;
  const phaseOf = (view: StackView): string => {
    const phases = [...view.running.values()];
    return (
      phases.at(-1) ??
      (view.endedAt !== undefined
        ? view.failed > 0
          ? "failed"
          : "done"
        : view.startedAt === undefined
          ? "waiting"
          : "waiting for its next task")
    );
  };
  const line = (view: StackView): string => {
    const elapsed =
      view.startedAt === undefined ? "" : ` ${((view.endedAt ?? options.now()) - view.startedAt).toFixed(1)}s`;
    const state =
      view.endedAt !== undefined
        ? view.failed > 0
          ? paint("red", "✗")
          : paint("green", "✓")
        : view.running.size > 0
          ? paint("yellow", "…")
          : " ";
    return `${state} ${view.name.padEnd(width)}  ${phaseOf(view).padEnd(12)} ${String(view.done).padStart(3)}/${view.tasks} tasks${elapsed}`;
  };
  const redraw = (): void => {
    if (drawn > 0) stream.write(`\x1b[${drawn}A`);
    const lines = [...views.values()].map(line);
    stream.write(lines.map((l) => `\x1b[2K${l}\n`).join(""));
    drawn = lines.length;
  };
  if (options.mode === "tty") timer = setInterval(redraw, 200);

  return {
    /** How many tasks each stack has, once the graph is known. */
    setTaskCounts(counts: ReadonlyMap<string, number>): void {
      for (const [name, count] of counts) {
        const view = views.get(name);
        if (view) view.tasks = count;
      }
    },
    onEvent(event: SchedulerEvent): void {
      if (options.mode === "json") return void stream.write(JSON.stringify(event) + "\n");
      if (event.type !== "task") return;
      const stack = groupOfTask(event);
      if (stack === undefined) {
        // A shared build: one line when it ends (in plain mode).
        if (options.mode === "plain" && DONE.has(event.state))
          stream.write(
            `${stamp(event.at)} ${event.id} ${event.state}${event.cached ? ` (${event.cached === "registry" ? "from the cache registry" : "cached"})` : ""}${event.error ? `: ${event.error}` : ""}\n`,
          );
        return;
      }
      const view = views.get(stack);
      if (!view) return;
      if (event.state === "running") {
        view.startedAt ??= event.at;
        view.running.set(event.id, phaseLabel(event.kind));
      } else if (DONE.has(event.state)) {
        view.running.delete(event.id);
        view.done++;
        if (event.state === "failed") view.failed++;
        if (view.done >= view.tasks) view.endedAt = event.at;
      }
      // Plain lines: when a stack enters another phase (not the instant between two of its tasks), or a task fails.
      const phase = phaseOf(view);
      const settledPhase = view.running.size > 0 || view.endedAt !== undefined;
      if (options.mode === "plain" && ((settledPhase && phase !== view.lastPhase) || event.state === "failed")) {
        const failure =
          event.state === "failed" ? `: ${event.id.slice(stack.length + 1)} failed: ${event.error ?? ""}` : "";
        stream.write(`${stamp(event.at)} ${stack}: ${phase} (${view.done}/${view.tasks} tasks)${failure}\n`);
        view.lastPhase = phase;
      }
    },
    close(): void {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (options.mode === "tty") redraw();
    },
  };
}

function phaseLabel(kind: string): string {
  try {
    return taskKind(kind as TaskKind).phase;
  } catch {
    return kind;
  }
}
