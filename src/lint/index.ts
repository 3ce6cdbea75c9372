import { readdir, readFile } from "node:fs/promises";
import * as path from "node:path";
import { resolveLintConfig, type LintConfig } from "./config.js";
import { parseDockerfile, type ParsedDockerfile } from "./dockerfile.js";
import { matchesGlob } from "./glob.js";
import { isSuppressed, scanDockerfileIgnores, scanScriptIgnores, type IgnoreScan } from "./ignore.js";
import { RULES } from "./rules/index.js";
import { NO_CACHE_FIX } from "./rules/no-cache-build.js";
import { isMakefile, parseScript } from "./script.js";
import type { Finding, LintImage, LintOptions, RawFinding, RuleId, Severity } from "./types.js";

export {
  formatJson,
  formatSarif,
  formatText,
  toSarif,
  type JsonFinding,
  type SarifLog,
  type SarifOptions,
} from "./format.js";
export {
  lintConfigSchema,
  resolveLintConfig,
  DEFAULT_SEVERITIES,
  type LintConfig,
  type LintConfigInput,
  type PackageUpgradePolicy,
  type SeveritySetting,
} from "./config.js";
export { RULE_METADATA } from "./rules/index.js";
export type { RuleMeta } from "./rule.js";
export {
  RULE_IDS,
  type CoverageKind,
  type Finding,
  type LintImage,
  type LintOptions,
  type LintStack,
  type RuleId,
  type Severity,
} from "./types.js";

export type FileKind = "dockerfile" | "script";

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function relativeToCwd(file: string, cwd: string): string {
  return path.relative(cwd, path.resolve(cwd, file)).split(path.sep).join("/");
}

/** Rules dropped for this file by `lint.ignore` globs; "all" when the whole file is ignored. */
function ignoredRules(file: string, config: LintConfig, cwd: string): Set<RuleId> | "all" {
  const rel = relativeToCwd(file, cwd);
  const out = new Set<RuleId>();
  for (const entry of config.ignore) {
    if (typeof entry === "string") {
      if (matchesGlob(rel, entry)) return "all";
    } else if (matchesGlob(rel, entry.path)) {
      for (const r of entry.rules) out.add(r);
    }
  }
  return out;
}

function severityFor(rule: RuleId, config: LintConfig): Severity | null {
  const s = config.rules[rule];
  return s === "off" ? null : s;
}

function compareFindings(a: Finding, b: Finding): number {
  const byCodePoint = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return (
    byCodePoint(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    byCodePoint(a.rule, b.rule) ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]
  );
}

/** Turns raw findings into findings: severity, inline and path ignores, de-duplication, order. */
function finish(
  file: string,
  raw: Array<{ rule: RuleId; finding: RawFinding }>,
  ignores: IgnoreScan,
  config: LintConfig,
  cwd: string,
): Finding[] {
  const dropped = ignoredRules(file, config, cwd);
  if (dropped === "all") return [];
  const all = [...raw, ...ignores.problems.map((finding) => ({ rule: "invalid-ignore" as const, finding }))];
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const { rule, finding } of all) {
    const configured = severityFor(rule, config);
    if (configured === null || dropped.has(rule)) continue;
    if (rule !== "invalid-ignore" && isSuppressed(rule, finding.line, ignores.suppressions)) continue;
    const key = `${rule}\u0000${finding.line}\u0000${finding.column}\u0000${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      file,
      line: finding.line,
      column: finding.column,
      rule,
      severity: finding.severity ?? configured,
      message: finding.message,
      fix: finding.fix,
    });
  }
  return out.sort(compareFindings);
}

function imagesFor(file: string, options: LintOptions, cwd: string): LintImage[] {
  const abs = path.resolve(cwd, file);
  return (options.stack?.images ?? []).filter((img) => path.resolve(cwd, img.dockerfile) === abs);
}

/** Lints one Dockerfile's text. Pure: reads nothing, writes nothing. */
export function lintDockerfile(file: string, text: string, options: LintOptions = {}): Finding[] {
  const config = resolveLintConfig(options.config);
  const cwd = options.cwd ?? process.cwd();
  if (ignoredRules(file, config, cwd) === "all") return [];
  const contexts: Array<LintImage | null> = imagesFor(file, options, cwd);
  if (contexts.length === 0) contexts.push(null);
  const parsedByArgs = new Map<string, ParsedDockerfile>();
  const raw: Array<{ rule: RuleId; finding: RawFinding }> = [];
  let first: ParsedDockerfile | null = null;
  for (const image of contexts) {
    const argsKey = JSON.stringify(image?.args ?? {});
    let dockerfile = parsedByArgs.get(argsKey);
    if (!dockerfile) {
      dockerfile = parseDockerfile(text, image?.args ?? {});
      parsedByArgs.set(argsKey, dockerfile);
    }
    first ??= dockerfile;
    for (const rule of RULES) {
      if (!rule.checkDockerfile || severityFor(rule.meta.id, config) === null) continue;
      for (const finding of rule.checkDockerfile({ file, dockerfile, config, image }))
        raw.push({ rule: rule.meta.id, finding });
    }
  }
  const ignores = first ? scanDockerfileIgnores(first) : { suppressions: [], problems: [] };
  return finish(file, raw, ignores, config, cwd);
}

/** Lints a build script or Makefile (rule `no-cache-build`). Pure. */
export function lintScript(file: string, text: string, options: LintOptions = {}): Finding[] {
  const config = resolveLintConfig(options.config);
  const cwd = options.cwd ?? process.cwd();
  if (ignoredRules(file, config, cwd) === "all") return [];
  const script = parseScript(file, text);
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const positionAt = (offset: number): { line: number; column: number } => {
    let line = 0;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((starts[mid] as number) <= offset) {
        line = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return { line: line + 1, column: offset - (starts[line] as number) + 1 };
  };
  const raw: Array<{ rule: RuleId; finding: RawFinding }> = [];
  for (const rule of RULES) {
    if (!rule.checkScript || severityFor(rule.meta.id, config) === null) continue;
    for (const finding of rule.checkScript({ file, commands: script.commands, positionAt, config }))
      raw.push({ rule: rule.meta.id, finding });
  }
  return finish(file, raw, scanScriptIgnores(script.lines), config, cwd);
}

/** Stack-level findings (`build.noCache: true`). */
export function lintStack(options: LintOptions = {}): Finding[] {
  const stack = options.stack;
  if (!stack?.noCache) return [];
  const config = resolveLintConfig(options.config);
  const raw: Array<{ rule: RuleId; finding: RawFinding }> = [
    {
      rule: "no-cache-build",
      finding: {
        line: stack.noCacheLine ?? 1,
        column: 1,
        message: "`build.noCache: true` in the stack rebuilds every image layer on every run",
        fix: `set build.noCache: false (or remove it); ${NO_CACHE_FIX.replace(/^drop --no-cache: /, "")}`,
      },
    },
  ];
  return finish(stack.file, raw, { suppressions: [], problems: [] }, config, options.cwd ?? process.cwd());
}

const SCRIPT_NAME = /\.(sh|bash|mk)$/i;

/** Which rules apply to a file: by name, else by content (shebang → script, a FROM line → Dockerfile). */
export function classifyFile(file: string, text?: string): FileKind | null {
  const base = path.basename(file);
  if (/\.dockerignore$/i.test(base)) return null;
  if (/^(Dockerfile|Containerfile)/i.test(base) || /\.(dockerfile|containerfile)$/i.test(base)) return "dockerfile";
  if (SCRIPT_NAME.test(base) || isMakefile(base)) return "script";
  if (text === undefined) return null;
  if (/^#!\s*\S*\b(?:env\s+)?(?:ba|da|k|z|a)?sh\b/.test(text)) return "script";
  if (/^\s*FROM\s+\S/im.test(text)) return "dockerfile";
  return null;
}

/** Lints files (Dockerfiles and build scripts), plus the stack's build options when given. */
export async function lintFiles(paths: readonly string[], options: LintOptions = {}): Promise<Finding[]> {
  const config = resolveLintConfig(options.config);
  const opts: LintOptions = { ...options, config };
  const cwd = options.cwd ?? process.cwd();
  const results: Finding[][] = new Array<Finding[]>(paths.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const index = next++;
      const file = paths[index] as string;
      const text = await readFile(path.resolve(cwd, file), "utf8");
      const kind = classifyFile(file, text);
      results[index] =
        kind === "dockerfile"
          ? lintDockerfile(file, text, opts)
          : kind === "script"
            ? lintScript(file, text, opts)
            : [];
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, paths.length) }, worker));
  return [...results.flat(), ...lintStack(opts)].sort(compareFindings);
}

const SKIP_DIRS = new Set(["node_modules", ".git", "dist", ".paddock"]);

function isDockerfileName(name: string): boolean {
  if (/\.dockerignore$/i.test(name)) return false;
  return (
    name.includes("Dockerfile") ||
    /\.dockerfile$/i.test(name) ||
    /^Containerfile/.test(name) ||
    /\.containerfile$/i.test(name)
  );
}

/** Dockerfiles under `root` (`**\/*Dockerfile*`, `*.dockerfile`, `Containerfile*`), skipping node_modules, .git, dist, .paddock. Sorted. */
export async function discoverDockerfiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    await Promise.all(
      entries.map(async (e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name)) await walk(full);
        } else if ((e.isFile() || e.isSymbolicLink()) && isDockerfileName(e.name)) {
          found.push(full);
        }
      }),
    );
  };
  await walk(root);
  return found.sort();
}

/** True when a finding has severity error (exit code 1). */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === "error");
}
