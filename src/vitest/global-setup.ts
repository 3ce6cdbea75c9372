import { up, type Environment } from "../api/up.js";

/**
 * A Vitest `globalSetup`: brings the stack up before the test files run, exports its
 * endpoints (PADDOCK_<SERVICE>_URL ...) into the environment the test workers inherit,
 * and tears it down afterwards. The stack file is found from the working directory,
 * or named by PADDOCK_CONFIG.
 *
 *   // vitest.config.ts
 *   export default defineConfig({ test: { globalSetup: ["paddock/vitest-global-setup"] } });
 */
export default async function setup(): Promise<() => Promise<void>> {
  const environment: Environment = await up({ config: process.env["PADDOCK_CONFIG"] });
  Object.assign(process.env, environment.env);
  process.stderr.write(
    `paddock: environment ${environment.runId} is up (${environment.endpoints.map((e) => `${e.service} ${e.url}`).join(", ")})\n`,
  );
  return async () => {
    await environment.down();
    process.stderr.write(`paddock: environment ${environment.runId} removed\n`);
  };
}
