import type { LintConfigInput } from "./config.js";

/** Stable rule ids. They appear in output, in `lint.rules` config and in `# paddock-ignore:` comments. */
export const RULE_IDS = [
  "package-upgrade",
  "base-image-pinned",
  "coverage-arg",
  "dependency-layer-order",
  "non-root-final-stage",
  "no-cache-build",
  "invalid-ignore",
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export type Severity = "error" | "warning" | "info";

export type CoverageKind = "go" | "node";

export interface Finding {
  /** The path as given by the caller (or relative to the cwd for discovered files). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  rule: RuleId;
  severity: Severity;
  message: string;
  fix: string;
}

/** One image of the stack, as far as the linter needs to know it. */
export interface LintImage {
  /** Stack image name (used in messages). */
  name: string;
  /** Dockerfile path: absolute, or relative to `LintOptions.cwd`. */
  dockerfile: string;
  /** The stack builds this image with coverage instrumentation. */
  coverage?: CoverageKind;
  /** Build args the stack passes (they resolve `FROM ${BASE}` when the ARG has no default). */
  args?: Record<string, string>;
  /** Multi-stage target: it is the "final stage" for `non-root-final-stage`. */
  target?: string;
}

/** What the linter needs from the stack file (`paddock.yaml`). */
export interface LintStack {
  /** Path of the stack file, used as the location of stack-level findings. */
  file: string;
  /** `build.noCache` from the stack file. */
  noCache?: boolean;
  /** 1-based line of `noCache:` in the stack file, if known. */
  noCacheLine?: number;
  images?: LintImage[];
}

export interface LintOptions {
  /** The `lint:` section of the stack file (validated with `lintConfigSchema`). */
  config?: LintConfigInput;
  /** Base for relative paths (ignore globs, image Dockerfiles). Default: `process.cwd()`. */
  cwd?: string;
  stack?: LintStack;
}

/** What a rule reports; the runner adds file, rule id and severity. */
export interface RawFinding {
  line: number;
  column: number;
  message: string;
  fix: string;
  /** Overrides the configured severity (used for "cannot verify" notes). */
  severity?: Severity;
}
