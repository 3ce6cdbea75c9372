import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CancelledError, describeError, PaddockError, wrap } from "../../src/errors.js";
import { runTool } from "../../src/exec/run-tool.js";
import { ToolError } from "../../src/exec/tool-error.js";

const failure = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe("runTool", () => {
  it("passes arguments as they are, never through a shell", async () => {
    const result = await runTool("printf", ["%s|", "$(echo injected)", "a b", "'q'"]);
    expect(result.stdout).toBe("$(echo injected)|a b|'q'|");
    expect(result.exitCode).toBe(0);
  });

  it("turns a failure into a ToolError: one-line message, the whole command and the output tail as evidence", async () => {
    const error = await failure(runTool("sh", ["-c", "echo step one; echo 'it broke' >&2; exit 3"]));
    expect(error).toBeInstanceOf(ToolError);
    const tool = error as ToolError;
    expect(tool.message).toBe("sh -c echo step one; echo 'it broke' >&2; exit 3 failed (exit 3)");
    expect(tool.exitCode).toBe(3);
    expect(tool.outputTail).toEqual(["step one", "it broke"]);
    expect(tool.transient).toBe(false);
    const text = describeError(tool);
    expect(text).toContain(`command: sh -c 'echo step one; echo '\\''it broke'\\'' >&2; exit 3'`);
    expect(text).toContain("last output lines:\n    | step one\n    | it broke");
  });

  it("marks a failure transient when its output matches a retryable pattern", async () => {
    const error = (await failure(
      runTool("sh", ["-c", "echo 'read: connection reset by peer' >&2; exit 1"]),
    )) as ToolError;
    expect(error.transient).toBe(true);
    const custom = (await failure(
      runTool("sh", ["-c", "echo 'etcd busy'; exit 1"], { transient: [/etcd busy/] }),
    )) as ToolError;
    expect(custom.transient).toBe(true);
  });

  it("returns a failed result with allowFailure, and says what to try when the tool is missing", async () => {
    const result = await runTool("sh", ["-c", "exit 4"], { allowFailure: true });
    expect(result.exitCode).toBe(4);
    const missing = (await failure(runTool("paddock-no-such-tool", []))) as ToolError;
    expect(missing.message).toBe("paddock-no-such-tool: command not found");
    expect(missing.hint).toContain("paddock doctor");
  });

  it("stops the process when the signal aborts and rejects with the abort's reason", async () => {
    const controller = new AbortController();
    const started = performance.now();
    const running = runTool("sleep", ["30"], { signal: controller.signal });
    setTimeout(() => controller.abort(new CancelledError("stop now")), 50);
    const error = await failure(running);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe("stop now");
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("writes the command line and its output to the log file as they come", async () => {
    const logFile = path.join(mkdtempSync(path.join(os.tmpdir(), "paddock-exec-")), "task.log");
    const lines: string[] = [];
    await runTool("sh", ["-c", "echo one; echo two"], { logFile, onLine: (l) => lines.push(l) });
    expect(readFileSync(logFile, "utf8")).toBe("$ sh -c 'echo one; echo two'\none\ntwo\n");
    expect(lines).toEqual(["one", "two"]);
  });
});

describe("errors that keep their chain", () => {
  it("wrap keeps the cause, its transient flag and its evidence; the hint can be replaced", async () => {
    const tool = (await failure(runTool("sh", ["-c", "echo 'unexpected EOF' >&2; exit 1"]))) as ToolError;
    const wrapped = wrap(tool, "teardown of run r1 did not finish", { hint: "run `paddock gc`" });
    expect(wrapped.cause).toBe(tool);
    expect(wrapped.transient).toBe(true);
    const text = describeError(wrapped);
    expect(text.split("\n")[0]).toBe("teardown of run r1 did not finish");
    expect(text).toContain("caused by: sh -c echo 'unexpected EOF' >&2; exit 1 failed (exit 1)");
    expect(text).toContain("    | unexpected EOF");
    expect(text.match(/\| unexpected EOF/g)).toHaveLength(1);
    expect(text.endsWith("try: run `paddock gc`")).toBe(true);
    expect(wrap(new PaddockError("deterministic"), "outer").transient).toBe(false);
  });
});
