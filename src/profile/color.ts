/**
 * Where Paddock decides about ANSI escape codes (the live list, the summary's colours), following
 * the NO_COLOR and FORCE_COLOR conventions. NO_COLOR wins when both are set: it is the user
 * asking for plain text.
 */

type Env = Record<string, string | undefined>;

/** NO_COLOR set to anything non-empty: no escape codes at all. */
export function noColor(env: Env = process.env): boolean {
  return (env["NO_COLOR"] ?? "") !== "";
}

/** FORCE_COLOR set, non-empty and not "0": colour even without a terminal. */
export function forceColor(env: Env = process.env): boolean {
  const value = env["FORCE_COLOR"] ?? "";
  return value !== "" && value !== "0";
}

/** Whether output to `stream` may be coloured: never with NO_COLOR, always with FORCE_COLOR, else on a terminal. */
export function colorEnabled(stream: { isTTY?: boolean }, env: Env = process.env): boolean {
  if (noColor(env)) return false;
  if (forceColor(env)) return true;
  return stream.isTTY === true;
}

/**
 * Whether the live, redrawn task list is the default: it needs a terminal, is not wanted in CI
 * logs, and moves the cursor with escape codes, which NO_COLOR asks not to see.
 */
export function liveProgressByDefault(stream: { isTTY?: boolean }, env: Env = process.env): boolean {
  return stream.isTTY === true && !env["CI"] && !noColor(env);
}

const ANSI = {
  red: "\x1b[31m",
  green: "\x1b[32m",
  yellow: "\x1b[33m",
  cyan: "\x1b[36m",
  dim: "\x1b[2m",
  bold: "\x1b[1m",
  reset: "\x1b[0m",
} as const;
export type Paint = (color: Exclude<keyof typeof ANSI, "reset">, text: string) => string;

/** Wraps text in an ANSI colour when colour is enabled, else returns it as is. */
export function paintWith(enabled: boolean): Paint {
  return (color, text) => (enabled ? `${ANSI[color]}${text}${ANSI.reset}` : text);
}
