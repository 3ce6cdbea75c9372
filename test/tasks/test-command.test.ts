import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { TaskTimeoutError } from "../../src/errors.js";
import { runTestCommand, TestsFailedError } from "../../src/tasks/test-command.js";
import { processRunning } from "../helpers/processes.js";
import { waitFor } from "../helpers/wait.js";

const alive = processRunning;

function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-testcmd-"));
  const out = new PassThrough();
  let text = "";
  out.on("data", (c: Buffer) => (text += c.toString()));
  const base = {
    cwd: dir,
    env: { PATH: process.env["PATH"] ?? "" },
    logFile: path.join(dir, "test.log"),
    stdout: out,
    stderr: out,
  };
  const pids = async (): Promise<number[]> => {
    const file = path.join(dir, "pids");
    await waitFor("the test command's pids", () => {
      try {
        return readFileSync(file, "utf8").trim().split(/\s+/).length >= 2;
      } catch {
        return false;
      }
    });
    return readFileSync(file, "utf8").trim().split(/\s+/).map(Number);
  };
  return { dir, base, output: () => text, pids };
}

describe("the test command", () => {
  it("stops its whole process tree when the run is interrupted, and does not wait past the grace period", async () => {
    const { base, pids } = setup();
    const controller = new AbortController();
    // A shell with a child that would outlive it: the tree Ctrl-C used to leave running under PID 1.
    const running = runTestCommand({
      ...base,
      command: "sleep 120 & echo $$ $! > pids; wait",
      signal: controller.signal,
      graceSeconds: 1,
    });
    const [shell, sleeper] = await pids();
    expect(alive(sleeper!)).toBe(true);
    const started = performance.now();
    controller.abort();
    await expect(running).rejects.toBeDefined();
    expect(performance.now() - started).toBeLessThan(5000);
    expect(alive(shell!)).toBe(false);
    expect(alive(sleeper!)).toBe(false);
  });

  it("kills what ignores SIGTERM once the grace period is over, and reports the timeout", async () => {
    const { base, pids } = setup();
    const controller = new AbortController();
    const running = runTestCommand({
      ...base,
      command: "trap '' TERM; sleep 60 & echo $$ $! > pids; while :; do sleep 1; done",
      signal: controller.signal,
      graceSeconds: 0.5,
    });
    const [shell] = await pids();
    controller.abort(new TaskTimeoutError("test", 3));
    await expect(running).rejects.toBeInstanceOf(TaskTimeoutError);
    expect(alive(shell!)).toBe(false);
  });

  it("removes what the command left running in the background once it exits, and returns its exit code", async () => {
    const { base, pids, output, dir } = setup();
    const failing = runTestCommand({
      ...base,
      command: "sleep 60 & echo $$ $! > pids; echo tests ran; exit 3",
      signal: new AbortController().signal,
      graceSeconds: 1,
    });
    await expect(failing).rejects.toBeInstanceOf(TestsFailedError);
    const [, background] = await pids();
    expect(alive(background!)).toBe(false);
    expect(output()).toContain("tests ran");
    expect(readFileSync(path.join(dir, "test.log"), "utf8")).toContain("tests ran");
  });

  it("redacts what the stack marks secret from the output it shows and logs", async () => {
    const { base, output, dir } = setup();
    await runTestCommand({
      ...base,
      command: ["sh", "-c", "echo token=S3cr3t-Xy9-api"],
      signal: new AbortController().signal,
      redact: (t) => t.replaceAll("S3cr3t-Xy9-api", "***"),
    });
    expect(output()).toBe("token=***\n");
    expect(readFileSync(path.join(dir, "test.log"), "utf8")).toBe("token=***\n");
  });
});
