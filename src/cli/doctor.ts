import type { Command } from "commander";
import {
  checkDocker,
  checkLeftovers,
  checkPorts,
  checkResources,
  checkTools,
  type CheckResult,
} from "../doctor/checks.js";
import { ConfigError } from "../errors.js";
import { registryCheck } from "../registry/check.js";
import { cacheRegistryOf } from "../run/open-cache.js";
import { loadStackFor } from "./common.js";

const MARK = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;

/** What only a stack tells: its fixed host ports, and its cache registry (or $PADDOCK_CACHE_REGISTRY's). */
async function stackChecks(command: Command): Promise<CheckResult[]> {
  try {
    const stack = loadStackFor(command);
    const cache = cacheRegistryOf(stack, undefined);
    return [
      ...(await checkPorts(stack)),
      ...(cache ? [await registryCheck(cache.registry, { insecure: cache.insecure })] : []),
    ];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const registry = process.env["PADDOCK_CACHE_REGISTRY"];
    return [
      {
        name: "stack",
        status: "warn",
        detail: "no paddock.yaml here: port checks skipped",
        fix: "run from a stack's folder or pass --config",
      },
      ...(registry ? [await registryCheck(registry)] : []),
    ];
  }
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description(
      "check the engine, builders, kind/kubectl, disk, memory, port conflicts and the cache registry; each problem comes with its fix",
    )
    .option("--json", "machine-readable output: a list of { name, status, detail, fix }")
    .addHelpText("after", "\nExit code 1 when a check fails (warnings do not).")
    .action(async (options: { json?: boolean }, command: Command) => {
      const [docker, tools, leftovers, stack] = await Promise.all([
        checkDocker(),
        checkTools(),
        checkLeftovers(),
        stackChecks(command),
      ]);
      const results: CheckResult[] = [...docker, leftovers, ...tools, ...checkResources(process.cwd()), ...stack];
      if (options.json) process.stdout.write(JSON.stringify(results, null, 2) + "\n");
      else {
        for (const r of results) {
          process.stdout.write(`${MARK[r.status]}  ${r.name.padEnd(14)} ${r.detail}\n`);
          if (r.fix && r.status !== "ok") process.stdout.write(`${" ".repeat(20)}fix: ${r.fix}\n`);
        }
      }
      process.exitCode = results.some((r) => r.status === "fail") ? 1 : 0;
    });
}
