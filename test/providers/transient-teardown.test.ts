import { describe, expect, it } from "vitest";
import { loadStack } from "../../src/config/load.js";
import { dockerCli } from "../../src/exec/docker-cli.js";
import type { CommandRunner } from "../../src/exec/command-runner.js";
import { DEFAULT_TRANSIENT } from "../../src/exec/run-tool.js";
import { lastLines, ToolError } from "../../src/exec/tool-error.js";
import { DockerEnvironment } from "../../src/providers/docker/environment.js";
import { runPlan } from "../../src/scheduler/scheduler.js";
import { taskKind } from "../../src/tasks/registry.js";
import type { RunContext } from "../../src/tasks/run-context.js";
import type { PlanTask } from "../../src/tasks/types.js";
import { tempProject } from "../helpers/cli.js";

/** The docker CLI as teardown sees it: the first listing of the run's containers hits a daemon EOF, then the daemon answers. */
function flakyDaemon(): { runner: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  let failedOnce = false;
  const runner: CommandRunner = async (file, args, options = {}) => {
    calls.push(args);
    if (args[0] === "ps" && !failedOnce) {
      failedOnce = true;
      // What the real client prints when dockerd drops the connection, failing as runTool fails (its contract).
      const output =
        'error during connect: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.41/containers/json": unexpected EOF\n';
      const transient = (options.transient ?? DEFAULT_TRANSIENT).some((re) => re.test(output));
      throw new ToolError([file, ...args], 1, lastLines(output), { transient, output });
    }
    const id = args[0] === "ps" ? "c1\n" : args[0] === "network" && args[1] === "ls" ? "n1\n" : "";
    return { exitCode: 0, stdout: id, stderr: "", all: id };
  };
  return { runner, calls };
}

describe("a transient failure wrapped by a provider", () => {
  it("is still retried by the scheduler: teardown after a daemon EOF succeeds on its second attempt", async () => {
    const dir = tempProject({ "paddock.yaml": "name: flaky\nservices:\n  web: { image: paddock/debian:bookworm }\n" });
    const stack = loadStack(`${dir}/paddock.yaml`);
    const { runner, calls } = flakyDaemon();
    // dockerCli's runner is the seam: the real command lines, answered without an engine.
    const environment = new DockerEnvironment(dockerCli("docker", "20.10.24", "buildkit", runner), stack, {
      runId: "flaky-1",
      stack: "flaky",
    });
    const teardown: PlanTask = {
      id: "env:delete",
      kind: "env:delete",
      phase: "teardown",
      dependsOn: [],
      resource: undefined,
      subject: undefined,
      finalizer: undefined,
      timeoutSeconds: 30,
    };
    const run = { environment, failed: () => false } as unknown as RunContext;
    const result = await runPlan(
      { stack: "flaky", strategy: "graph", mode: "test", tasks: [teardown] },
      (task) => (ctx) => taskKind(task.kind).run(task, ctx, run),
      {
        resources: { build: 1, load: 1, api: 1, pull: 4 },
        retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
      },
    );
    const record = result.tasks[0]!;
    expect(record.state).toBe("succeeded");
    expect(record.attempts).toBe(2);
    expect(record.attemptLog[0]!.outcome).toBe("teardown of run flaky-1 did not finish");
    // The second attempt removed what the labels found.
    expect(calls).toContainEqual(["rm", "--force", "--volumes", "c1"]);
    expect(calls).toContainEqual(["network", "rm", "n1"]);
  });
});
