import { RegistryError, RegistryUnreachableError } from "./errors.js";
import type { RegistryRef } from "./ref.js";
import { RegistryClient, type RegistryClientOptions } from "./registry-client.js";

export interface PingResult {
  /** ok: the API answers (anonymously or with the engine's credentials). */
  state: "ok" | "auth-required" | "unreachable" | "error";
  /** One line for people: what answered, or why not. Never a credential. */
  detail: string;
  /** The `/v2/` URL asked. */
  url: string;
}

/** GET /v2/ with a short timeout (default 3 s): does a registry answer here, and does it let us in? */
export async function ping(registry: RegistryRef, options: RegistryClientOptions = {}): Promise<PingResult> {
  const url = `${registry.baseUrl}/v2/`;
  const client = new RegistryClient(registry, { timeoutMs: 3000, ...options });
  try {
    const response = await client.request("GET", "/v2/");
    const api = response.headers.get("docker-distribution-api-version");
    if (response.status === 200) {
      const how = { anonymous: "", basic: " (signed in)", bearer: " (with a token)" }[response.auth];
      return { state: "ok", url, detail: `${api ?? "a registry"} answers at ${url}${how}` };
    }
    if (response.status === 401)
      return {
        state: "auth-required",
        url,
        detail: `${url} needs authentication: ${response.unauthorized ?? "HTTP 401"}`,
      };
    const what = response.status === 404 && !api ? "is not a registry API" : `answered HTTP ${response.status}`;
    return { state: "error", url, detail: `${url} ${what}` };
  } catch (error) {
    if (error instanceof RegistryUnreachableError)
      return { state: "unreachable", url, detail: `${url}: ${error.reason}` };
    if (error instanceof RegistryError) return { state: "error", url, detail: error.message };
    throw error;
  }
}
