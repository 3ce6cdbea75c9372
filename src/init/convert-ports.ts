import type { InitReport } from "./report.js";
import { brief } from "./stack-out.js";
import { isMap, stringOf } from "./values.js";

const LOOPBACK = new Set(["127.0.0.1", "localhost"]);

interface PortMapping {
  ip: string | undefined;
  host: string;
  container: string;
  protocol: string;
}

/** "[ip:][host:]container[/protocol]" with ranges ("8000-8010"), IPv6 in brackets. */
function parseShort(text: string): PortMapping | undefined {
  const [body = "", protocol = "tcp"] = text.split("/");
  let ip: string | undefined;
  let rest = body;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]:");
    if (close === -1) return undefined;
    ip = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(":");
  if (ip === undefined && parts.length === 3) ip = parts.shift();
  if (parts.length > 2) return undefined;
  const container = parts.pop() ?? "";
  const host = parts.pop() ?? "";
  if (!/^\d+(-\d+)?$/.test(container) || !/^(\d+(-\d+)?)?$/.test(host)) return undefined;
  return { ip, host, container, protocol: protocol.toLowerCase() };
}

function range(text: string): number[] {
  const [from, to] = text.split("-").map(Number);
  if (from === undefined) return [];
  const end = to ?? from;
  return Array.from({ length: Math.max(0, end - from + 1) }, (_, i) => from + i);
}

/**
 * `ports:` → Paddock ports: a container port (a free 127.0.0.1 port is published) or
 * "host:container" (a fixed one). Ranges are expanded. Paddock publishes TCP on 127.0.0.1 only.
 */
export function convertPorts(scope: string, ports: unknown[], report: InitReport): (number | string)[] {
  const out: (number | string)[] = [];
  const seen = new Set<number>();
  let allInterfaces = false;
  ports.forEach((item, index) => {
    const field = `ports[${index}]`;
    let mapping: PortMapping | undefined;
    if (typeof item === "number") mapping = { ip: undefined, host: "", container: String(item), protocol: "tcp" };
    else if (typeof item === "string") mapping = parseShort(item);
    else if (isMap(item)) {
      for (const key of ["mode", "name", "app_protocol"]) {
        if (item[key] !== undefined)
          report.dropped(
            scope,
            `${field}.${key}`,
            `${brief(item[key])}: Paddock publishes plain TCP ports on 127.0.0.1; ${key} has no equivalent`,
          );
      }
      mapping = {
        ip: stringOf(item["host_ip"]),
        host: stringOf(item["published"]) ?? "",
        container: stringOf(item["target"]) ?? "",
        protocol: (stringOf(item["protocol"]) ?? "tcp").toLowerCase(),
      };
      if (!/^\d+(-\d+)?$/.test(mapping.container) || !/^(\d+(-\d+)?)?$/.test(mapping.host)) mapping = undefined;
    }
    if (mapping === undefined) {
      report.dropped(scope, field, `${brief(item)}: not a port Paddock understands`);
      return;
    }
    if (mapping.protocol !== "tcp") {
      report.dropped(
        scope,
        field,
        `${brief(item)}: Paddock publishes TCP ports only (${mapping.protocol} has no equivalent)`,
      );
      return;
    }
    if (mapping.ip === undefined || mapping.ip === "" || mapping.ip === "0.0.0.0" || mapping.ip === "::")
      allInterfaces = true;
    else if (!LOOPBACK.has(mapping.ip))
      report.changed(scope, field, `${brief(item)}: published on 127.0.0.1, not on ${mapping.ip}`);
    const containers = range(mapping.container);
    const hosts = mapping.host === "" ? [] : range(mapping.host);
    if (hosts.length > 1 && hosts.length !== containers.length) {
      report.changed(
        scope,
        field,
        `${brief(item)}: Paddock publishes on a free port instead of one from the range ${mapping.host}`,
      );
      hosts.length = 0;
    }
    containers.forEach((container, i) => {
      if (seen.has(container)) {
        report.dropped(
          scope,
          field,
          `${brief(item)}: container port ${container} is already published; Paddock publishes each container port once`,
        );
        return;
      }
      seen.add(container);
      const host = hosts[i];
      out.push(host === undefined ? container : `${host}:${container}`);
    });
  });
  if (allInterfaces)
    report.changed(
      scope,
      "ports",
      "Paddock publishes on 127.0.0.1 only, where Compose publishes these on every interface",
    );
  return out;
}
