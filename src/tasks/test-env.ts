import type { Endpoint, StartedEnvironment } from "../providers/types.js";

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

/** What the test command gets besides the user's environment: the endpoints' variables and the provider's own (e.g. KUBECONFIG). */
export function testEnvironment(started: StartedEnvironment | undefined): Record<string, string> {
  return started ? { ...endpointEnv(started.endpoints()), ...started.testEnv() } : {};
}
