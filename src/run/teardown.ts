import { rmSync } from "node:fs";
import path from "node:path";
import { selectBuilder } from "../build/select-builder.js";
import type { Stack } from "../config/stack.js";
import { providerEntry } from "../providers/registry.js";
import { paddockDir } from "../util/paddock-dir.js";
import { forgetEnvironment, type EnvironmentState } from "./environment-state.js";

/** Removes an environment `up` left running, and forgets it. */
export async function downEnvironment(stack: Stack, state: EnvironmentState, signal?: AbortSignal): Promise<void> {
  const builder = await selectBuilder(stack.build.builder);
  const environment = await providerEntry(stack.environment.provider).open({
    stack,
    run: { runId: state.runId, stack: stack.name },
    runDir: state.runDir,
    builder,
  });
  await environment.delete({ signal: signal ?? AbortSignal.timeout(300_000), log: () => undefined }, { failed: false });
  forgetEnvironment(stack.dir, state.runId);
  rmSync(path.join(paddockDir(stack.dir), "env"), { force: true });
}
