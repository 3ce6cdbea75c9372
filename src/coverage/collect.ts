import path from "node:path";
import { summarizeGo } from "./go-summary.js";
import type { GoToolchain } from "./go-toolchain.js";
import { summarizeNode } from "./node-summary.js";
import type { CoverageSummaryFile, ServiceCoverageSummary } from "./summary-file.js";
import type { CollectedCoverage } from "./types.js";

export { coverageDirOf } from "./summary-file.js";

/** Turns what the provider copied into coverage/summary.json's content (and Node's lcov and HTML). */
export async function summarizeCollected(
  collected: CollectedCoverage[],
  dir: string,
  runId: string,
  options: { signal?: AbortSignal; goToolchain?: (service: string) => Promise<GoToolchain | undefined> } = {},
): Promise<CoverageSummaryFile> {
  const { signal } = options;
  const services: Record<string, ServiceCoverageSummary> = {};
  const base = (c: CollectedCoverage): ServiceCoverageSummary => ({
    kind: c.kind,
    data: path.relative(dir, c.dataDir),
    ...(c.exit?.exitCode !== undefined ? { exitCode: c.exit.exitCode } : {}),
    ...(c.note ? { note: c.note } : {}),
  });
  const join = (...notes: (string | undefined)[]): string | undefined => notes.filter(Boolean).join("; ") || undefined;

  // Go's summaries run in containers (or the host's go): started first, they wait beside Node's, which is CPU here.
  const goSummaries = new Map(
    collected
      .filter((c) => c.kind !== "node" && c.files > 0)
      .map((c) => [
        c.service,
        (async () => summarizeGo(c.dataDir, { signal, toolchain: await options.goToolchain?.(c.service) }))(),
      ]),
  );
  // Awaited below, in order; marked handled now so that a failure while Node's runs is not an unhandled rejection.
  for (const pending of goSummaries.values()) pending.catch(() => undefined);
  const node = collected.filter((c) => c.kind === "node" && c.files > 0 && c.sourcesDir);
  const nodeSummary = await summarizeNode(
    node.map((c) => ({ service: c.service, dataDir: c.dataDir, sourcesDir: c.sourcesDir! })),
    dir,
  );
  for (const c of collected) {
    const entry = base(c);
    if (c.kind === "node") {
      const s = nodeSummary.services.find((n) => n.service === c.service);
      if (s) {
        Object.assign(entry, { lines: s.lines, functions: s.functions, branches: s.branches, statements: s.statements });
        const note = join(c.note, s.problems.length > 0 ? `not summarised: ${s.problems.join(", ")}` : undefined, s.scripts.length === 0 ? "the V8 data names no application scripts (only node internals or node_modules)" : undefined);
        if (note) entry.note = note;
      }
    } else if (c.files > 0) {
      const go = await goSummaries.get(c.service)!;
      if (go.summarized) Object.assign(entry, { lines: go.lines, statements: go.statements });
      else {
        entry.note = join(c.note, go.note);
        entry.read = go.read;
      }
    }
    services[c.service] = entry;
  }
  const summary: CoverageSummaryFile = { runId, services };
  if (nodeSummary.map.files().length > 0) summary.node = { ...nodeSummary.merged, lcov: "lcov.info", html: "html/index.html" };
  return summary;
}
