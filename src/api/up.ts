import { checkHostPortsFree } from "../config/host-ports.js";
import { findStackFile, loadStack } from "../config/load.js";
import { PaddockError } from "../errors.js";
import type { Strategy } from "../plan/types.js";
import type { Profile } from "../profile/types.js";
import type { Endpoint } from "../providers/types.js";
import { listEnvironments } from "../run/environment-state.js";
import { runStack } from "../run/run-stack.js";
import type { SchedulerEvent } from "../scheduler/events.js";
import { downEnvironment } from "../run/teardown.js";

export interface UpOptions {
  /** Stack file; default: paddock.yaml in `cwd` or a parent. */
  config?: string;
  cwd?: string;
  strategy?: Strategy;
  buildSlots?: number;
  signal?: AbortSignal;
  onEvent?: (event: SchedulerEvent) => void;
}

export interface Environment {
  runId: string;
  runDir: string;
  endpoints: Endpoint[];
  /** PADDOCK_<SERVICE>_URL, _HOST, _PORT... ready to merge into process.env. */
  env: Record<string, string>;
  profile: Profile;
  /** Removes the environment. */
  down(): Promise<void>;
}

/**
 * Builds, creates the environment and deploys the stack, like `paddock up`.
 * A failure tears down what was made and throws the root cause.
 */
export async function up(options: UpOptions = {}): Promise<Environment> {
  const stack = loadStack(findStackFile(options.cwd ?? process.cwd(), options.config));
  const preflight = checkHostPortsFree(stack);
  preflight.catch(() => undefined); // awaited (and thrown) by runStack
  const outcome = await runStack({
    stack,
    mode: "up",
    strategy: options.strategy,
    buildSlots: options.buildSlots,
    signal: options.signal,
    onEvent: options.onEvent,
    preflight,
  });
  if (outcome.result.state !== "succeeded") {
    const cause = outcome.result.rootCause?.error;
    throw cause instanceof Error
      ? cause
      : new PaddockError(`paddock up ${outcome.result.state}`, { hint: `see ${outcome.runDir}` });
  }
  return {
    runId: outcome.runId,
    runDir: outcome.runDir,
    endpoints: outcome.endpoints,
    env: outcome.env,
    profile: outcome.profile,
    async down() {
      const state = listEnvironments(stack.dir).environments.find((e) => e.runId === outcome.runId);
      if (state) await downEnvironment(stack, state);
    },
  };
}
