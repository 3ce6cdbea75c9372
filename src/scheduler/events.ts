/** What the scheduler reports as it runs; progress renderers and the recorder listen. Times: seconds from run start. */
export type TaskEventState = "waiting" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "retrying";

export type SchedulerEvent =
  | {
      type: "task";
      id: string;
      kind: string;
      state: TaskEventState;
      cached?: boolean | "registry";
      change?: "created" | "updated" | "unchanged";
      attempt?: number;
      /** The error's first line (live views), and all of it: messages, command, output tail, hint (task logs). */
      error?: string;
      errorDetail?: string;
      at: number;
    }
  | { type: "log"; id: string; line: string; at: number }
  | { type: "run"; state: "started" | "finished"; at: number };
