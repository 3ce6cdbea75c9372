import type { PortSpec } from "./stack.js";

export const MAX_PORT = 65535;

export const PORT_EXAMPLE =
  'a container port (8080) or "hostPort:containerPort" ("18080:8080"), each between 1 and 65535';

/** A `ports:` entry as written (8080 or "18080:8080"), or why it cannot be one. */
export function parsePortEntry(value: number | string): { port: PortSpec } | { problem: string; hint: string } {
  const match = typeof value === "number" ? undefined : /^(?:(\d+):)?(\d+)$/.exec(value.trim());
  if (typeof value === "string" && !match)
    return { problem: `malformed port ${JSON.stringify(value)}`, hint: `write ${PORT_EXAMPLE}` };
  const container = typeof value === "number" ? value : Number(match?.[2]);
  const host = match?.[1] === undefined ? undefined : Number(match[1]);
  for (const [what, port] of [
    ["container", container],
    ["host", host],
  ] as const) {
    if (port === undefined) continue;
    if (!Number.isInteger(port) || port < 1 || port > MAX_PORT) {
      return {
        problem: `${what} port ${port} is out of range: ports are 1 to ${MAX_PORT}`,
        hint:
          what === "host"
            ? `pick a free host port between 1024 and ${MAX_PORT}, or write the container port alone to get a free one`
            : "use the port the program in the container listens on",
      };
    }
  }
  return { port: { container, host } };
}
