import { PaddockError } from "../errors.js";
import { isLocalPortFree } from "../util/local-port.js";
import type { Stack } from "./stack.js";

export interface FixedHostPort {
  service: string;
  /** Index in the service's `ports:`. */
  index: number;
  host: number;
  container: number;
}

/** The host ports the stack fixes ("18080:8080"); the others are chosen free at run time. */
export function fixedHostPorts(stack: Stack): FixedHostPort[] {
  return Object.values(stack.services).flatMap((service) =>
    service.ports.flatMap((port, index) =>
      port.host === undefined ? [] : [{ service: service.name, index, host: port.host, container: port.container }],
    ),
  );
}

/** The fix for a fixed host port that something else holds. */
export function portInUseFix(port: FixedHostPort): string {
  return `stop what holds 127.0.0.1:${port.host} (\`ss -ltnp 'sport = :${port.host}'\` shows it; \`paddock status\` lists environments left up), or let Paddock choose a free port: write ${port.container} alone in services.${port.service}.ports`;
}

/** Fixed host ports that are taken: found before anything starts, not when a container fails to publish. */
export class HostPortsInUseError extends PaddockError {
  constructor(
    readonly file: string,
    readonly ports: readonly FixedHostPort[],
  ) {
    const lines = ports.map(
      (p) => `${file}: services.${p.service}.ports[${p.index}]: host port ${p.host} is already in use on 127.0.0.1`,
    );
    const first = ports[0];
    super(`${lines.join("\n")}\nnothing was started`, {
      hint: first ? portInUseFix(first) + (ports.length > 1 ? " (the same for each port above)" : "") : undefined,
    });
  }
}

/** Throws `HostPortsInUseError` when a port the stack fixes cannot be bound on 127.0.0.1. */
export async function checkHostPortsFree(stack: Stack): Promise<void> {
  const fixed = fixedHostPorts(stack);
  const free = await Promise.all(fixed.map((port) => isLocalPortFree(port.host)));
  const taken = fixed.filter((_, i) => !free[i]);
  if (taken.length > 0) throw new HostPortsInUseError(stack.file, taken);
}
