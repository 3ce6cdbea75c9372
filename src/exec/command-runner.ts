import { runTool, type RunToolOptions, type ToolResult } from "./run-tool.js";

/**
 * How Paddock starts a tool: the one seam between its CLI wrappers (docker, kind, kubectl) and
 * processes, so unit tests can answer for the tool without an engine (kind's `exec.Cmder`).
 */
export type CommandRunner = (file: string, args: string[], options?: RunToolOptions) => Promise<ToolResult>;

export const defaultRunner: CommandRunner = runTool;
