import type { Endpoint } from "../providers/provider.js";

const envName = (service: string): string => service.toUpperCase().replace(/[^A-Z0-9]/g, "_");

/**
 * Environment variables tests read: PADDOCK_<SERVICE>_URL, _HOST and _PORT for a service's
 * first port, and PADDOCK_<SERVICE>_PORT_<containerPort> for every port.
 */
export function endpointEnv(endpoints: readonly Endpoint[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of endpoints) {
    const prefix = `PADDOCK_${envName(e.service)}`;
    env[`${prefix}_PORT_${e.containerPort}`] = String(e.port);
    if (env[`${prefix}_URL`] !== undefined) continue;
    env[`${prefix}_URL`] = e.url;
    env[`${prefix}_HOST`] = e.host;
    env[`${prefix}_PORT`] = String(e.port);
  }
  return env;
}

/** `.paddock/env`: `source` it in a shell to reach the environment by hand. */
export function shellEnvFile(env: Record<string, string>): string {
  const quote = (v: string): string => `'${v.replaceAll("'", `'\\''`)}'`;
  return Object.entries(env)
    .map(([k, v]) => `export ${k}=${quote(v)}`)
    .join("\n") + "\n";
}
