import { engineDownFailure, type DockerCli } from "../../exec/docker-cli.js";
import type { ToolResult } from "../../exec/run-tool.js";
import type { ProviderContext } from "../types.js";

/** Daemon hiccups worth a retry. */
export const DAEMON_TRANSIENT = [
  /unexpected EOF/i,
  /connection reset by peer/i,
  /Cannot connect to the Docker daemon/i,
  /context deadline exceeded/i,
];

export interface DockerCallOptions {
  env?: Record<string, string>;
  input?: string;
  allowFailure?: boolean;
}

/** The provider's docker call: arguments, cancellation, and what the client needs besides. */
export type DockerCall = (
  args: string[],
  ctx: Pick<ProviderContext, "signal">,
  extra?: DockerCallOptions,
) => Promise<ToolResult>;

/** Every docker command the provider runs: cancellable, daemon hiccups marked transient. */
export function dockerCall(cli: DockerCli): DockerCall {
  return (args, ctx, extra = {}) =>
    cli.run(args, { signal: ctx.signal, transient: DAEMON_TRANSIENT, describeFailure: engineDownFailure, ...extra });
}
