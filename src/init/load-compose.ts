import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { ComposeError, ComposeErrors } from "./compose-error.js";
import { resolveExtends } from "./compose-extends.js";
import { mergeComposeFiles, withoutMarkers } from "./compose-merge.js";
import { validateCompose } from "./compose-schema.js";
import { ComposeSource, Override } from "./compose-source.js";
import { parseDotenv } from "./dotenv.js";
import { interpolate, InterpolationError, type Lookup } from "./interpolate.js";
import { isMap, mapOf, stringOf, type ComposeMap } from "./values.js";

/** The file names Compose looks for in a directory, in its order of preference. */
export const COMPOSE_FILE_NAMES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
const OVERRIDE_FILE_NAMES = [
  "compose.override.yaml",
  "compose.override.yml",
  "docker-compose.override.yaml",
  "docker-compose.override.yml",
];

/** A Compose project as `docker compose config` would see it: files merged, interpolated, extends resolved. */
export interface ComposeProject {
  /** The project name as Compose would use it (not yet sanitised for Paddock). */
  name: string;
  /** The project directory: the first file's folder; relative paths start there. */
  dir: string;
  files: string[];
  /** The merged model: `services`, `volumes`, `secrets`, `configs`, ... */
  model: ComposeMap;
  /** Variables for interpolation: the process environment over the `.env` file. */
  lookup: Lookup;
  /** The file and line that last set a field, for messages. */
  locate(fieldPath: readonly (string | number)[]): { file: string; line: number | undefined };
}

export interface LoadComposeOptions {
  /** Files or directories given with --from, in order. */
  from: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** --env-file; default: `.env` in the project directory, when present. */
  envFile?: string;
  projectName?: string;
}

/** `--from DIR` means the Compose file in it (and its override file), as `docker compose` finds them. */
export function resolveComposeFiles(from: string[], cwd: string): string[] {
  const files: string[] = [];
  for (const entry of from) {
    const absolute = path.resolve(cwd, entry);
    if (!existsSync(absolute)) {
      throw new ComposeError(absolute, "", "Compose file not found", {
        hint: `check the path given to --from (looked at ${absolute})`,
      });
    }
    if (!statSync(absolute).isDirectory()) {
      files.push(absolute);
      continue;
    }
    const main = COMPOSE_FILE_NAMES.map((n) => path.join(absolute, n)).find((f) => existsSync(f));
    if (!main)
      throw new ComposeError(absolute, "", "no Compose file in this directory", {
        hint: `name one with --from FILE, or add one of: ${COMPOSE_FILE_NAMES.join(", ")}`,
      });
    files.push(main);
    const override = OVERRIDE_FILE_NAMES.map((n) => path.join(absolute, n)).find((f) => existsSync(f));
    if (override) files.push(override);
  }
  return files;
}

export function loadComposeProject(options: LoadComposeOptions): ComposeProject {
  const files = resolveComposeFiles(options.from, options.cwd);
  const dir = path.dirname(files[0] ?? path.join(options.cwd, "compose.yaml"));
  const lookup = environmentLookup(options, dir);
  const sources = files.map((file) => ComposeSource.read(file));
  const problems: ComposeError[] = [];
  const values = sources.map((source) => {
    const value = interpolateTree(source.value(), lookup, source, []);
    for (const problem of validateCompose(withoutMarkers(value))) {
      const fieldPath = problem.path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
      problems.push(
        new ComposeError(source.file, fieldPath || "(top level)", problem.message, {
          line: source.lineOf(problem.path),
          hint: "see the Compose Specification for this field's shape",
        }),
      );
    }
    return value;
  });
  if (problems.length > 0) throw new ComposeErrors(problems);

  const locate = (fieldPath: readonly (string | number)[]): { file: string; line: number | undefined } => {
    for (let i = sources.length - 1; i >= 0; i--) {
      const source = sources[i];
      const value = values[i];
      if (source && hasPath(value, fieldPath)) return { file: source.file, line: source.lineOf(fieldPath) };
    }
    return { file: files[0] ?? dir, line: sources[0]?.lineOf(fieldPath) };
  };
  const merged = mergeComposeFiles(values);
  const services = resolveExtends(mapOf(merged["services"]), (name) => locate(["services", name, "extends"]));
  const model: ComposeMap = { ...merged, services };
  const name = options.projectName ?? lookup("COMPOSE_PROJECT_NAME") ?? stringOf(model["name"]) ?? path.basename(dir);
  return { name, dir, files, model, lookup, locate };
}

function environmentLookup(options: LoadComposeOptions, dir: string): Lookup {
  const fromProcess: Lookup = (name) => options.env[name];
  const envFile = options.envFile === undefined ? path.join(dir, ".env") : path.resolve(options.cwd, options.envFile);
  if (!existsSync(envFile)) {
    if (options.envFile !== undefined)
      throw new ComposeError(envFile, "", "env file not found", { hint: "check the path given to --env-file" });
    return fromProcess;
  }
  let dotenv: Record<string, string>;
  try {
    dotenv = parseDotenv(readFileSync(envFile, "utf8"), fromProcess);
  } catch (error) {
    throw new ComposeError(envFile, "", (error as Error).message, {
      hint: "write KEY=VALUE lines; quote values with spaces",
    });
  }
  // The shell's variables win over the .env file, as in Compose.
  return (name) => options.env[name] ?? dotenv[name];
}

/** Interpolates every string value (keys stay as written), naming the field on failure. */
function interpolateTree(value: unknown, lookup: Lookup, source: ComposeSource, at: (string | number)[]): unknown {
  if (typeof value === "string") {
    try {
      return interpolate(value, lookup);
    } catch (error) {
      if (!(error instanceof InterpolationError)) throw error;
      const fieldPath = at.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
      throw new ComposeError(source.file, fieldPath, error.message, {
        line: source.lineOf(at),
        hint: "set the variable in the environment or in .env (or --env-file), or give it a default: ${VAR:-value}",
      });
    }
  }
  if (value instanceof Override) return new Override(interpolateTree(value.value, lookup, source, at));
  if (Array.isArray(value)) return value.map((item, i) => interpolateTree(item, lookup, source, [...at, i]));
  if (isMap(value)) {
    const out: ComposeMap = {};
    for (const [key, v] of Object.entries(value)) out[key] = interpolateTree(v, lookup, source, [...at, key]);
    return out;
  }
  return value;
}

function hasPath(value: unknown, fieldPath: readonly (string | number)[]): boolean {
  let node = value;
  for (const key of fieldPath) {
    if (Array.isArray(node) && typeof key === "number") node = node[key];
    else if (isMap(node)) node = node[String(key)];
    else return false;
    if (node === undefined) return false;
  }
  return fieldPath.length > 0;
}
