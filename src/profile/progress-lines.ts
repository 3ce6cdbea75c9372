/** The plain and quiet renderers: one timestamped line per state change, for logs and CI. */

import { failureLines, TaskBook } from "./progress-book.js";
import type { Progress, ProgressEvent } from "./progress-types.js";

const timestamp = (at: number): string => `[${at.toFixed(1).padStart(6)}s]`;

function stateText(event: Extract<ProgressEvent, { type: "task" }>): string {
  const notes: string[] = [];
  if (event.cached === true) notes.push("cached");
  if (event.cached === "registry") notes.push("from the cache registry");
  if (event.change === "unchanged" && event.state === "succeeded") notes.push("unchanged");
  if (event.attempt !== undefined && event.attempt > 1) notes.push(`attempt ${event.attempt}`);
  const suffix = notes.length > 0 ? ` (${notes.join(", ")})` : "";
  const error =
    event.error !== undefined && (event.state === "failed" || event.state === "retrying") ? `: ${event.error}` : "";
  return `${event.state}${suffix}${error}`;
}

/** One timestamped line per state change; failures followed by the task's last log lines. */
export function createLineProgress(stream: NodeJS.WritableStream, failuresOnly: boolean): Progress {
  const book = new TaskBook();
  return {
    onEvent(event) {
      const view = book.apply(event);
      if (event.type === "log") return;
      if (event.type === "run") {
        if (!failuresOnly) stream.write(`${timestamp(event.at)} run ${event.state}\n`);
        return;
      }
      if (failuresOnly && event.state !== "failed") return;
      // "waiting" is every task's initial state, not a change.
      if (event.state === "waiting") return;
      const lines = [`${timestamp(event.at)} ${event.id}  ${stateText(event)}`];
      if (event.state === "failed") lines.push(...failureLines(view));
      stream.write(`${lines.join("\n")}\n`);
    },
    close() {},
  };
}
