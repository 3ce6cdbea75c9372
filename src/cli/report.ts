import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import type { Stack } from "../config/stack.js";
import { PaddockError } from "../errors.js";
import { compareProfiles, formatComparison } from "../profile/compare.js";
import { runsDir } from "../util/paddock-dir.js";
import { renderReportHtml } from "../profile/report-html.js";
import { formatRunSummary } from "../profile/summary.js";
import { toChromeTrace } from "../profile/trace.js";
import type { Profile } from "../profile/types.js";
import { resourceLimits } from "../scheduler/resources.js";
import { strategyEstimates } from "../run/run-stack.js";
import { loadStackFor } from "./common.js";

/** A run id, "latest", or a path to a run directory or profile.json. */
export function readProfile(stack: Stack, run: string): { profile: Profile; runDir: string } {
  const candidates = [path.resolve(run), path.join(runsDir(stack.dir), run)];
  for (const candidate of candidates) {
    const file = candidate.endsWith(".json") ? candidate : path.join(candidate, "profile.json");
    if (existsSync(file))
      return { profile: JSON.parse(readFileSync(file, "utf8")) as Profile, runDir: path.dirname(file) };
  }
  throw new PaddockError(
    `no run "${run}" (looked for ${candidates.map((c) => path.join(c, "profile.json")).join(" and ")})`,
    {
      hint: `run ids are the folder names in ${runsDir(stack.dir)}; "latest" is the newest`,
    },
  );
}

export function registerReport(program: Command): void {
  program
    .command("report [run]")
    .description("re-render a past run's summary, trace.json and report.html (default: the latest run)")
    .option("--compare <runs...>", "compare two runs: per-task and per-phase deltas (A B)")
    .addHelpText(
      "after",
      "\nExamples:\n  paddock report                      summary of the latest run, report.html rewritten\n  paddock report --compare RUN_A RUN_B   what got faster or slower between two runs",
    )
    .action((run: string | undefined, options: { compare?: string[] }, command: Command) => {
      const stack = loadStackFor(command);
      if (options.compare) {
        if (options.compare.length !== 2)
          throw new PaddockError("--compare takes exactly two runs", { hint: "paddock report --compare RUN_A RUN_B" });
        const [a, b] = options.compare.map((r) => readProfile(stack, r).profile) as [Profile, Profile];
        process.stdout.write(formatComparison(compareProfiles(a, b)) + "\n");
        return;
      }
      const { profile, runDir } = readProfile(stack, run ?? "latest");
      const estimates = strategyEstimates(stack, profile, {}, resourceLimits(stack));
      writeFileSync(path.join(runDir, "trace.json"), JSON.stringify(toChromeTrace(profile)) + "\n", { mode: 0o600 });
      writeFileSync(path.join(runDir, "report.html"), renderReportHtml(profile, { estimates }), { mode: 0o600 });
      process.stdout.write(formatRunSummary(profile, { estimates }) + `\n\n${path.join(runDir, "report.html")}\n`);
    });
}
