import net from "node:net";
import { RegistryError } from "./errors.js";

/** A registry and a repository prefix in it, as written in `127.0.0.1:5000/paddock/cache`. */
export interface RegistryRef {
  /** The value as given, for messages. */
  readonly value: string;
  /** Host name or IP address (IPv6 without brackets). */
  readonly host: string;
  readonly port: number | undefined;
  /** `host[:port]` as image references and docker's config.json write it (`[::1]:5000`). */
  readonly authority: string;
  /** Repository prefix under the registry (`paddock/cache`), "" for none. */
  readonly path: string;
  readonly scheme: "http" | "https";
  /** 127.0.0.0/8, ::1 or localhost. */
  readonly loopback: boolean;
  /** Plain HTTP was allowed for a non-loopback host. */
  readonly insecure: boolean;
  /** `scheme://authority`, where the `/v2/` API lives. */
  readonly baseUrl: string;
}

export interface RegistryRefOptions {
  /** Allow plain HTTP to a host that is not loopback (a registry on a trusted private network). */
  insecure?: boolean;
}

const EXAMPLE = "127.0.0.1:5000/paddock/cache";
const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const DNS_NAME = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function refError(value: string, problem: string, fix: string): RegistryError {
  return new RegistryError(`registry reference "${value}": ${problem}`, { hint: fix });
}

export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === "localhost" || lower === "::1") return true;
  if (net.isIPv4(lower)) return lower.startsWith("127.");
  if (net.isIPv6(lower)) return /^(?:0{0,4}:){2,7}0{0,3}1$/.test(lower);
  return false;
}

function splitHostPort(value: string, authority: string): { host: string; port: number | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(authority);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(authority);
  const match = bracketed ?? plain;
  if (!match) {
    throw refError(
      value,
      `"${authority}" is not a host[:port]`,
      `write the host, an optional port and the repository prefix, e.g. ${EXAMPLE} (IPv6 in brackets: [::1]:5000/...)`,
    );
  }
  const host = match[1]!;
  const validHost = bracketed ? net.isIPv6(host) : net.isIPv4(host) || DNS_NAME.test(host);
  if (!validHost)
    throw refError(value, `"${host}" is not a valid host name or IP address`, `fix the host part, e.g. ${EXAMPLE}`);
  if (match[2] === undefined) return { host, port: undefined };
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw refError(value, `port ${match[2]} is out of range`, "use a port between 1 and 65535");
  return { host, port };
}

/**
 * Parses `host[:port][/prefix]` (optionally `http://` or `https://` first). Plain HTTP only to
 * loopback unless `insecure`; every other host gets HTTPS. Errors name the value and the fix.
 */
export function parseRegistryRef(value: string, options: RegistryRefOptions = {}): RegistryRef {
  const trimmed = value.trim();
  if (trimmed === "") throw refError(value, "it is empty", `give a registry such as ${EXAMPLE}`);
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(trimmed);
  const explicitScheme = schemeMatch?.[1]?.toLowerCase();
  if (explicitScheme !== undefined && explicitScheme !== "http" && explicitScheme !== "https") {
    throw refError(value, `unknown scheme ${explicitScheme}://`, `write it without a scheme, e.g. ${EXAMPLE}`);
  }
  const rest = (schemeMatch ? trimmed.slice(schemeMatch[0].length) : trimmed).replace(/\/+$/, "");
  const slash = rest.indexOf("/");
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? "" : rest.slice(slash + 1);
  if (
    explicitScheme === undefined &&
    !/[.:]/.test(authority) &&
    authority !== "localhost" &&
    !authority.startsWith("[")
  ) {
    throw refError(
      value,
      `"${authority}" is not a registry host (a host has a dot or a port, or is localhost; "${authority}/..." would mean Docker Hub)`,
      `name the registry first, e.g. ${EXAMPLE}`,
    );
  }
  const { host, port } = splitHostPort(value, authority);
  for (const component of path === "" ? [] : path.split("/")) {
    if (!COMPONENT.test(component)) {
      throw refError(
        value,
        `repository prefix part "${component}" is not valid`,
        "use lowercase letters, digits and single separators (. _ __ -) between slashes, e.g. paddock/cache",
      );
    }
  }
  const loopback = isLoopbackHost(host);
  const insecure = options.insecure === true && !loopback;
  if (explicitScheme === "http" && !loopback && !options.insecure) {
    throw refError(
      value,
      `plain HTTP to ${host}, which is not a loopback address`,
      `use https://, or mark this registry insecure (only on a network you trust)`,
    );
  }
  const scheme = explicitScheme === "https" ? "https" : loopback || options.insecure ? "http" : "https";
  const hostPart = net.isIPv6(host) ? `[${host}]` : host;
  const canonicalAuthority = port === undefined ? hostPart : `${hostPart}:${port}`;
  return {
    value,
    host,
    port,
    authority: canonicalAuthority,
    path,
    scheme,
    loopback,
    insecure,
    baseUrl: `${scheme}://${canonicalAuthority}`,
  };
}

/** The repository name in the registry: the prefix joined with `repository`. */
export function repositoryName(registry: RegistryRef, repository: string): string {
  const name = [registry.path, repository.replace(/^\/+|\/+$/g, "")].filter((p) => p !== "").join("/");
  for (const component of name.split("/")) {
    if (!COMPONENT.test(component)) {
      throw new RegistryError(`repository "${repository}" under ${registry.value}: part "${component}" is not valid`, {
        hint: "use lowercase letters, digits and single separators (. _ __ -) between slashes",
      });
    }
  }
  return name;
}

/** `authority/prefix/repository:tag`, the reference docker and podman push and pull. */
export function remoteImageRef(registry: RegistryRef, repository: string, tag: string): string {
  if (!TAG.test(tag)) {
    throw new RegistryError(`tag "${tag}" is not valid`, {
      hint: "a tag is up to 128 letters, digits, _ . or -, and does not start with . or -",
    });
  }
  return `${registry.authority}/${repositoryName(registry, repository)}:${tag}`;
}
