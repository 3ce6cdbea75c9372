import path from "node:path";
import { writeFileSync } from "node:fs";
import { appendRun } from "../profile/history.js";
import { writeProfile } from "../profile/recorder.js";
import { renderReportHtml } from "../profile/report-html.js";
import { toChromeTrace } from "../profile/trace.js";
import type { Profile } from "../profile/types.js";
import type { Strategy } from "../plan/types.js";
import type { BestEffortWrites } from "./best-effort.js";

/** A profile with every error text passed through `redact` (secrets never reach the run directory). */
export function redactProfile(profile: Profile, redact: (text: string) => string): Profile {
  return {
    ...profile,
    tasks: profile.tasks.map((t) => ({
      ...t,
      attemptLog: t.attemptLog.map((a) => ({ ...a, outcome: redact(a.outcome) })),
      ...(t.error === undefined ? {} : { error: redact(t.error) }),
    })),
  };
}

/** profile.json (and `latest`), trace.json, report.html and the history: each best effort. */
export async function writeRunArtefacts(
  runDir: string,
  profile: Profile,
  estimates: Record<Strategy, number>,
  historyFile: string,
  writes: BestEffortWrites,
): Promise<void> {
  writes.attempt("the profile", path.join(runDir, "profile.json"), () => writeProfile(runDir, profile));
  const trace = path.join(runDir, "trace.json");
  writes.attempt("the trace", trace, () =>
    writeFileSync(trace, JSON.stringify(toChromeTrace(profile)) + "\n", { mode: 0o600 }),
  );
  const report = path.join(runDir, "report.html");
  writes.attempt("the report", report, () =>
    writeFileSync(report, renderReportHtml(profile, { estimates }), { mode: 0o600 }),
  );
  await writes.attemptAsync("the run history", historyFile, () => appendRun(historyFile, profile));
}
