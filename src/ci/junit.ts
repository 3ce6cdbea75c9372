import type { Profile, ProfileTask } from "../profile/types.js";
import { taskLogName } from "./log-tail.js";

export interface JunitInput {
  profile: Profile;
  rootCause: { taskId: string; error: unknown } | undefined;
  runDir: string;
  /** The last lines of a task's log (logs/<task>.log in the run directory). */
  logTail: (taskId: string) => string[];
  hostname?: string;
}

/** Text safe in XML: the five entities escaped, characters XML 1.0 forbids (and ANSI escapes) removed. */
export function xmlText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "")
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

const seconds = (task: ProfileTask): string => Math.max(0, task.end - task.start).toFixed(3);
const firstLine = (text: string): string => text.split("\n")[0] ?? text;

/**
 * A JUnit XML report of the run: one test case per task (classname = phase, name = task id,
 * time = seconds). Failed tasks carry their error and the tail of their log; cancelled and
 * skipped tasks are `<skipped/>`. The shape follows the schema CI servers read (Jenkins'
 * junit-10.xsd; test/fixtures/junit-10.xsd checks it).
 */
export function junitXml(input: JunitInput): string {
  const { profile } = input;
  const failures = profile.tasks.filter((t) => t.state === "failed").length;
  const skipped = profile.tasks.filter((t) => t.state === "cancelled" || t.state === "skipped").length;
  const mode = profile.tasks.some((t) => t.kind === "test") ? "test" : "up";
  const suite = `paddock ${mode}: ${profile.stack}`;
  const counts = `tests="${profile.tasks.length}" failures="${failures}" errors="0"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="paddock" ${counts} time="${profile.wallSeconds.toFixed(3)}">`,
    `  <testsuite name="${xmlText(suite)}" ${counts} skipped="${skipped}" time="${profile.wallSeconds.toFixed(3)}" timestamp="${xmlText(profile.startedAt)}"${input.hostname ? ` hostname="${xmlText(input.hostname)}"` : ""} id="${xmlText(profile.runId)}">`,
    "    <properties>",
    ...[
      ["run", profile.runId],
      ["strategy", profile.strategy],
      ["provider", profile.provider],
      ["result", profile.state],
      ["runDir", input.runDir],
    ].map(([name, value]) => `      <property name="${name}" value="${xmlText(value ?? "")}"/>`),
    "    </properties>",
  ];
  for (const task of profile.tasks) {
    const open = `    <testcase classname="${task.phase}" name="${xmlText(task.id)}" time="${seconds(task)}"`;
    if (task.state === "succeeded") {
      lines.push(`${open}/>`);
    } else if (task.state === "failed") {
      const cause = input.rootCause?.taskId === task.id ? input.rootCause.error : undefined;
      const message =
        cause instanceof Error ? cause.message : (task.error ?? task.attemptLog.at(-1)?.outcome ?? "failed");
      const type = cause instanceof Error ? cause.name : "TaskFailed";
      const tail = input.logTail(task.id);
      const body = [
        message,
        ...(tail.length > 0 ? ["", `last ${tail.length} line(s) of logs/${taskLogName(task.id)}:`, ...tail] : []),
      ].join("\n");
      lines.push(
        `${open}>`,
        `      <failure message="${xmlText(firstLine(message))}" type="${xmlText(type)}">${xmlText(body)}</failure>`,
        "    </testcase>",
      );
    } else {
      const why = task.state === "cancelled" ? (task.error ?? "cancelled") : "skipped: not needed in this run";
      lines.push(`${open}>`, `      <skipped message="${xmlText(firstLine(why))}"/>`, "    </testcase>");
    }
  }
  lines.push("  </testsuite>", "</testsuites>", "");
  return lines.join("\n");
}
