import type { LintConfig } from "./config.js";
import type { ParsedDockerfile, Position } from "./dockerfile.js";
import type { NormalizedCommand } from "./shell.js";
import type { LintImage, RawFinding, RuleId, Severity } from "./types.js";

/** What a Dockerfile rule gets. */
export interface DockerfileContext {
  file: string;
  dockerfile: ParsedDockerfile;
  config: LintConfig;
  /** The stack image built from this Dockerfile, when the caller passed the stack. */
  image: LintImage | null;
}

/** What a script rule gets (shell scripts, Makefiles). */
export interface ScriptContext {
  file: string;
  commands: NormalizedCommand[];
  positionAt(offset: number): Position;
  config: LintConfig;
}

export interface RuleMeta {
  id: RuleId;
  /** One line: what the rule checks. */
  shortDescription: string;
  /** A paragraph: why, and how to fix. */
  help: string;
  defaultSeverity: Severity;
}

export interface Rule {
  meta: RuleMeta;
  checkDockerfile?(ctx: DockerfileContext): RawFinding[];
  checkScript?(ctx: ScriptContext): RawFinding[];
}
