import type { CoverageSummaryFile } from "../coverage/summary-file.js";
import { formatTotals } from "../coverage/totals.js";
import { cacheStats, formatCacheStats } from "../profile/cache-stats.js";
import { criticalPath } from "../profile/critical-path.js";
import { formatPercent, formatSeconds } from "../profile/format.js";
import { PHASE_LABELS, phaseTable } from "../profile/phase-table.js";
import type { Profile } from "../profile/types.js";

export interface StepSummaryInput {
  profile: Profile;
  rootCause: { taskId: string; error: unknown } | undefined;
  coverage: CoverageSummaryFile | undefined;
  runDir: string;
}

/** A table cell: no line breaks, and a `|` that does not end the cell. */
const cell = (text: string): string => text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
const table = (header: string[], align: ("l" | "r")[], rows: string[][]): string[] => [
  `| ${header.join(" | ")} |`,
  `| ${align.map((a) => (a === "r" ? "---:" : "---")).join(" | ")} |`,
  ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
];
/** A fenced block that the text itself cannot close. */
const fenced = (text: string): string[] => {
  const fence = "`".repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return [fence, text, fence];
};

/** The Markdown `paddock up`/`test` appends to $GITHUB_STEP_SUMMARY. */
export function markdownStepSummary(input: StepSummaryInput): string {
  const { profile, rootCause, coverage } = input;
  const mode = profile.tasks.some((t) => t.kind === "test") ? "test" : "up";
  const icon = profile.state === "succeeded" ? "✅" : profile.state === "cancelled" ? "⏹️" : "❌";
  const out: string[] = [
    `## ${icon} paddock ${mode}: ${profile.state} in ${formatSeconds(profile.wallSeconds)}`,
    "",
    `Stack \`${profile.stack}\` · run \`${profile.runId}\` · ${profile.strategy} strategy · ${profile.provider} · run directory \`${input.runDir}\``,
    "",
  ];

  if (rootCause) {
    const error = rootCause.error;
    const hint = error instanceof Error && "hint" in error && typeof error.hint === "string" ? error.hint : undefined;
    out.push(
      `### Root cause: \`${rootCause.taskId}\` failed`,
      "",
      ...fenced(error instanceof Error ? error.message : String(error)),
    );
    if (hint) out.push("", `**Try:** ${hint}`);
    out.push("");
  }

  const rows = phaseTable(profile);
  out.push(
    "### Phases",
    "",
    ...table(
      ["#", "Phase", "Tasks", "Time", "% of wall"],
      ["r", "l", "r", "r", "r"],
      [
        ...rows.map((row, i) => [
          `${i + 1}`,
          PHASE_LABELS[row.phase],
          `${row.tasks}`,
          row.tasks === 0 ? "-" : formatSeconds(row.seconds),
          row.tasks === 0 ? "-" : formatPercent(row.percentOfWall),
        ]),
        ["", "**Wall time**", "", `**${formatSeconds(profile.wallSeconds)}**`, "100%"],
      ],
    ),
    "",
  );

  const path = criticalPath(profile);
  const cached = new Set(profile.tasks.filter((t) => t.cached).map((t) => t.id));
  out.push(
    `### Critical path: ${formatSeconds(path.seconds)} of work${path.waitedSeconds > 0.05 ? ` + ${formatSeconds(path.waitedSeconds)} waiting` : ""}`,
    "",
    ...table(
      ["Step", "Time", "Waited"],
      ["l", "r", "r"],
      path.steps.map((s) => [
        `\`${s.id}\`${cached.has(s.id) ? " (cached)" : ""}`,
        formatSeconds(s.seconds),
        s.waitedSeconds > 0.05 ? formatSeconds(s.waitedSeconds) : "",
      ]),
    ),
    "",
    `**Cache:** ${formatCacheStats(cacheStats(profile))}`,
    "",
  );

  const failed = profile.tasks.filter((t) => t.state === "failed");
  if (failed.length > 0) out.push(`**Failed:** ${failed.map((t) => `\`${t.id}\``).join(", ")}`, "");
  const cancelled = profile.tasks.filter((t) => t.state === "cancelled");
  if (cancelled.length > 0) out.push(`**Cancelled:** ${cancelled.map((t) => `\`${t.id}\``).join(", ")}`, "");

  if (coverage) {
    const names = Object.keys(coverage.services).sort();
    out.push(
      "### Coverage",
      "",
      ...table(
        ["Service", "Kind", "Lines", "Functions", "Branches", "Note"],
        ["l", "l", "r", "r", "r", "l"],
        names.map((name) => {
          const s = coverage.services[name]!;
          return [
            name,
            s.kind,
            s.lines ? formatTotals(s.lines) : "",
            s.functions ? formatTotals(s.functions) : "",
            s.branches ? formatTotals(s.branches) : "",
            s.note ?? "",
          ];
        }),
      ),
      "",
    );
  }
  return `${out.join("\n")}\n`;
}
