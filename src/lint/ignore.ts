import type { ParsedDockerfile } from "./dockerfile.js";
import { RULE_IDS, type RawFinding, type RuleId } from "./types.js";

/**
 * Inline suppressions: `# paddock-ignore: <rule>[,<rule>…] <reason>` on its own line suppresses
 * those rules for the next instruction (Dockerfiles) or the next command line (scripts).
 */

export interface Suppression {
  rules: RuleId[];
  /** 1-based inclusive line range whose findings are suppressed. */
  fromLine: number;
  toLine: number;
}

export interface IgnoreScan {
  suppressions: Suppression[];
  /** `invalid-ignore` findings. */
  problems: RawFinding[];
}

const DIRECTIVE = /^paddock-ignore\s*:?\s*(.*)$/i;
const FIX_REASON = "write the reason after the rule id: `# paddock-ignore: <rule> <why this is fine here>`";

function isRuleId(id: string): id is RuleId {
  return (RULE_IDS as readonly string[]).includes(id);
}

/** Parses the text after `#`. Returns null when the comment is not an ignore directive. */
function parseDirective(content: string, line: number, column: number, problems: RawFinding[]): RuleId[] | null {
  const m = DIRECTIVE.exec(content.trim());
  if (!m) return null;
  const body = (m[1] ?? "").trim();
  const space = body.search(/\s/);
  const list = space < 0 ? body : body.slice(0, space);
  const reason = space < 0 ? "" : body.slice(space).trim();
  const ids = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) {
    problems.push({ line, column, message: "`paddock-ignore` names no rule", fix: FIX_REASON });
    return null;
  }
  const unknown = ids.filter((id) => !isRuleId(id));
  if (unknown.length > 0) {
    problems.push({
      line,
      column,
      message: `\`paddock-ignore\` names unknown rule ${unknown.map((u) => `\`${u}\``).join(", ")}`,
      fix: `use one of: ${RULE_IDS.join(", ")}`,
    });
    return null;
  }
  if (reason === "") {
    problems.push({
      line,
      column,
      message: `\`paddock-ignore: ${ids.join(",")}\` has no reason, so it suppresses nothing`,
      fix: FIX_REASON,
    });
    return null;
  }
  return ids as RuleId[];
}

export function scanDockerfileIgnores(df: ParsedDockerfile): IgnoreScan {
  const suppressions: Suppression[] = [];
  const problems: RawFinding[] = [];
  for (const comment of df.comments) {
    const start = comment.getRange().start;
    const rules = parseDirective(comment.getContent(), start.line + 1, start.character + 1, problems);
    if (!rules) continue;
    const next = df.instructions.find((i) => i.startLine > start.line);
    if (!next) {
      problems.push({
        line: start.line + 1,
        column: start.character + 1,
        message: "`paddock-ignore` is not followed by an instruction",
        fix: "remove the comment",
      });
      continue;
    }
    suppressions.push({ rules, fromLine: next.startLine + 1, toLine: next.endLine + 1 });
  }
  return { suppressions, problems };
}

export function scanScriptIgnores(lines: string[]): IgnoreScan {
  const suppressions: Suppression[] = [];
  const problems: RawFinding[] = [];
  lines.forEach((line, index) => {
    const m = /^(\s*)#\s*(paddock-ignore\b.*)$/i.exec(line);
    if (!m) return;
    const rules = parseDirective(m[2] as string, index + 1, (m[1] as string).length + 1, problems);
    if (!rules) return;
    let from = index + 1;
    while (from < lines.length && /^\s*(#|$)/.test(lines[from] as string)) from++;
    if (from >= lines.length) {
      problems.push({
        line: index + 1,
        column: (m[1] as string).length + 1,
        message: "`paddock-ignore` is not followed by a command",
        fix: "remove the comment",
      });
      return;
    }
    let to = from;
    while (to + 1 < lines.length && /\\\s*$/.test(lines[to] as string)) to++;
    suppressions.push({ rules, fromLine: from + 1, toLine: to + 1 });
  });
  return { suppressions, problems };
}

export function isSuppressed(rule: RuleId, line: number, suppressions: Suppression[]): boolean {
  return suppressions.some((s) => s.rules.includes(rule) && s.fromLine <= line && line <= s.toLine);
}
