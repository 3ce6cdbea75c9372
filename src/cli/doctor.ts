import type { Command } from "commander";
import { ConfigError } from "../errors.js";
import { checkDocker, checkLeftovers, checkPorts, checkResources, checkTools, type CheckResult } from "../doctor/checks.js";
import { loadStackFor } from "./common.js";

const MARK = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("check the engine, builders, kind/kubectl, disk, memory and port conflicts; each problem comes with its fix")
    .action(async (_options: unknown, command: Command) => {
      const [docker, tools, leftovers] = await Promise.all([checkDocker(), checkTools(), checkLeftovers()]);
      const results: CheckResult[] = [...docker, leftovers, ...tools, ...checkResources(process.cwd())];
      try {
        results.push(...(await checkPorts(loadStackFor(command))));
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        results.push({ name: "stack", status: "warn", detail: "no paddock.yaml here: port checks skipped", fix: "run from a stack's folder or pass --config" });
      }
      for (const r of results) {
        process.stdout.write(`${MARK[r.status]}  ${r.name.padEnd(14)} ${r.detail}\n`);
        if (r.fix && r.status !== "ok") process.stdout.write(`${" ".repeat(20)}fix: ${r.fix}\n`);
      }
      process.exitCode = results.some((r) => r.status === "fail") ? 1 : 0;
    });
}
