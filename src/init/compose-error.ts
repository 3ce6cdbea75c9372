import { ConfigError, PaddockError } from "../errors.js";

/**
 * A problem in a Compose file that stops `paddock init`: names the file, line and field like a
 * stack-file error (and is one, so CI annotations and the error printer treat it the same).
 */
export class ComposeError extends ConfigError {}

/** Several Compose problems at once (schema violations), so a user fixes them in one pass. */
export class ComposeErrors extends PaddockError {
  constructor(readonly errors: ComposeError[]) {
    super(`invalid Compose file\n${errors.map((e) => e.message + (e.hint ? `\n    fix: ${e.hint}` : "")).join("\n")}`);
  }
}
