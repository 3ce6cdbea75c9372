import path from "node:path";
import { selectBuilder } from "../build/select-builder.js";
import type { Stack } from "../config/stack.js";
import { createProvider } from "../providers/factory.js";
import { paddockDir } from "../profile/recorder.js";
import { forgetEnvironment, type EnvironmentState } from "./environment-state.js";
import { rmSync } from "node:fs";

/** Removes an environment `up` left running, and forgets it. */
export async function downEnvironment(stack: Stack, state: EnvironmentState, signal?: AbortSignal): Promise<void> {
  const builder = await selectBuilder(stack.build.builder);
  const provider = await createProvider({ stack, run: { runId: state.runId, stack: stack.name }, builder });
  await provider.delete({ signal: signal ?? AbortSignal.timeout(300_000), log: () => undefined, runDir: state.runDir }, { failed: false });
  forgetEnvironment(stack.dir, state.runId);
  rmSync(path.join(paddockDir(stack.dir), "env"), { force: true });
}
