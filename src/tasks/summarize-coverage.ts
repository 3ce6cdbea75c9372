import { coverageDirOf, writeCoverageSummary } from "../coverage/summary-file.js";
import type { TaskKindDefinition } from "./types.js";

/**
 * After collect:coverage, beside teardown (it needs only the copied data): Node data becomes
 * istanbul summaries and reports, Go data a `go tool covdata` summary (or a note saying how to
 * read it), all in coverage/summary.json.
 */
export const summarizeCoverageTask: TaskKindDefinition = {
  kind: "summarize:coverage",
  phase: "teardown",
  resource: undefined,
  defaultSeconds: { docker: 1, kind: 2, cluster: 2 },
  timeoutSeconds: () => 300,
  async run(_task, ctx, run) {
    const collected = run.coverageCollected;
    if (!collected) {
      ctx.log("nothing to summarize: collect:coverage copied no data");
      return;
    }
    const dir = coverageDirOf(run.runDir);
    // Loaded here: the istanbul and V8 conversion libraries cost every other command's start-up.
    const { summarizeCollected } = await import("../coverage/collect.js");
    const { hostGo, imageGo } = await import("../coverage/go-toolchain.js");
    // The host's Go, else the Go build stage of the service's own image (made ready since its build).
    const goToolchain = async (service: string) => {
      const host = hostGo();
      if (host) return host;
      const image = run.stack.services[service]?.image;
      const keyed = image && "stackImage" in image ? run.keyed.get(image.stackImage) : undefined;
      if (!keyed) return undefined;
      const toolchain = await (run.goStages?.get(keyed.spec.name) ??
        imageGo(keyed, run.builder, { logDir: run.logs.dir, signal: ctx.signal }));
      if (toolchain) ctx.log(`${service}: go tool covdata runs in ${toolchain.description} (no Go on this host)`);
      return toolchain;
    };
    const summary = await summarizeCollected(collected, dir, run.runId, { signal: ctx.signal, goToolchain });
    writeCoverageSummary(dir, summary);
    for (const [name, s] of Object.entries(summary.services)) {
      ctx.log(
        `${name}: ${s.lines?.pct != null ? `lines ${s.lines.pct}%` : "no line totals"}${s.note ? ` (${s.note})` : ""}`,
      );
    }
  },
};
