import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ComposeError } from "./compose-error.js";
import { parseDotenv } from "./dotenv.js";
import type { ConvertContext } from "./stack-out.js";
import { isMap, listOrDict, stringOf, truthy } from "./values.js";

/** Keys whose values look like secrets: listed in `secretEnv`, so Paddock redacts them. */
const SECRET_KEY = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;

/**
 * `env_file:` then `environment:` (which wins) → `env:`. Env files are read now, relative to
 * the project directory, and their values written into paddock.yaml; a key given without a
 * value takes it from the environment `init` runs in, as Compose would.
 */
export function convertEnvironment(
  scope: string,
  service: Record<string, unknown>,
  ctx: ConvertContext,
): { env: Record<string, string>; secretEnv: string[] } {
  const env: Record<string, string> = {};
  const files = Array.isArray(service["env_file"])
    ? service["env_file"]
    : service["env_file"] === undefined
      ? []
      : [service["env_file"]];
  files.forEach((entry, index) => {
    const file = isMap(entry) ? stringOf(entry["path"]) : stringOf(entry);
    if (file === undefined) return;
    const required = isMap(entry) && entry["required"] !== undefined ? truthy(entry["required"]) : true;
    const absolute = path.resolve(ctx.project.dir, file);
    if (!existsSync(absolute)) {
      if (!required) return;
      const where = ctx.project.locate(["services", scope, "env_file", index]);
      throw new ComposeError(where.file, `services.${scope}.env_file[${index}]`, `env file not found: ${absolute}`, {
        line: where.line,
        hint: "create it, correct the path, or mark it `required: false`",
      });
    }
    ctx.report.changed(
      scope,
      `env_file[${index}]`,
      `${file} is read now and its values written into env: (Paddock reads no env files: edit env:, or rerun init, when it changes; check for secrets before committing)`,
    );
    const text = readFileSync(absolute, "utf8");
    const raw = isMap(entry) && entry["format"] === "raw";
    try {
      Object.assign(env, raw ? parseRaw(text) : parseDotenv(text, ctx.project.lookup));
    } catch (error) {
      const where = ctx.project.locate(["services", scope, "env_file", index]);
      throw new ComposeError(absolute, "", (error as Error).message, {
        line: undefined,
        hint: `used by services.${scope}.env_file in ${where.file}; write KEY=VALUE lines`,
      });
    }
  });
  for (const [key, value] of Object.entries(listOrDict(service["environment"]))) {
    const resolved = value ?? ctx.project.lookup(key);
    if (resolved === undefined) {
      delete env[key];
      ctx.report.dropped(
        scope,
        `environment.${key}`,
        "has no value and the variable is not set here; Compose passes it only when it is set, so it is left out",
      );
    } else {
      env[key] = resolved;
    }
  }
  return { env, secretEnv: Object.keys(env).filter((key) => SECRET_KEY.test(key)) };
}

function parseRaw(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf("=");
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}
