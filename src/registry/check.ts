import { PaddockError } from "../errors.js";
import { ping } from "./ping.js";
import { parseRegistryRef, type RegistryRefOptions } from "./ref.js";
import type { RegistryClientOptions } from "./registry-client.js";

/** A `paddock doctor` line: what was checked, how it went, and the fix when it did not. */
export interface CheckResult {
  name: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  fix?: string;
}

/** A `paddock doctor` line for a registry: does it answer, and does it let us in? */
export async function registryCheck(
  ref: string,
  options: RegistryRefOptions & RegistryClientOptions = {},
): Promise<CheckResult> {
  let registry;
  try {
    registry = parseRegistryRef(ref, options);
  } catch (error) {
    if (!(error instanceof PaddockError)) throw error;
    return { name: "registry", status: "fail", detail: error.message, fix: error.hint };
  }
  const name = `registry ${registry.authority}`;
  const result = await ping(registry, options);
  switch (result.state) {
    case "ok":
      return { name, status: "ok", detail: result.detail };
    case "auth-required":
      return {
        name,
        status: "fail",
        detail: result.detail,
        fix: `docker login ${registry.authority} (or podman login), so the engine's login configuration has credentials for it`,
      };
    case "unreachable":
      return {
        name,
        status: "fail",
        detail: `does not answer: ${result.detail}`,
        fix: registry.loopback
          ? "start it: sudo bash scripts/engine-bootstrap.sh registry"
          : `check the address and that ${registry.authority} is reachable from here`,
      };
    default:
      return {
        name,
        status: "fail",
        detail: result.detail,
        fix: `check that ${registry.baseUrl} is a registry (distribution API v2)`,
      };
  }
}
