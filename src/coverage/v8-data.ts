import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const rangeSchema = z.object({ startOffset: z.number(), endOffset: z.number(), count: z.number() });
const functionSchema = z.object({ functionName: z.string(), ranges: z.array(rangeSchema), isBlockCoverage: z.boolean() });
const scriptSchema = z.object({ scriptId: z.string(), url: z.string(), functions: z.array(functionSchema) });
const fileSchema = z.object({ result: z.array(scriptSchema) });

export type V8ScriptCoverage = z.infer<typeof scriptSchema>;

/** The V8 coverage files NODE_V8_COVERAGE leaves (one per process: coverage-<pid>-<time>-<n>.json). */
export function v8CoverageFiles(dataDir: string): string[] {
  try {
    return readdirSync(dataDir).filter((f) => /^coverage-.*\.json$/.test(f)).sort().map((f) => path.join(dataDir, f));
  } catch {
    return [];
  }
}

/** One V8 coverage file's scripts; a file that is not V8 coverage JSON yields an error naming it. */
export function readV8Coverage(file: string): V8ScriptCoverage[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file} is not JSON (${error instanceof Error ? error.message : String(error)}): was the process killed while writing it?`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is not V8 coverage data (${parsed.error.issues[0]?.message ?? "unexpected shape"})`);
  return parsed.data.result;
}

/**
 * The application script a V8 URL names, as an absolute path in the process's file system, or
 * undefined for what a summary leaves out: node internals (`node:`), evals, and node_modules.
 */
export function applicationScriptPath(url: string): string | undefined {
  if (!url.startsWith("file://")) return undefined;
  const file = fileURLToPath(url);
  if (file.split("/").includes("node_modules")) return undefined;
  return file;
}

/** Every application script in a service's V8 data: what to copy out of the container. Unreadable files are skipped (the summary names them). */
export function applicationScripts(dataDir: string): string[] {
  const scripts = new Set<string>();
  for (const file of v8CoverageFiles(dataDir)) {
    let inFile: V8ScriptCoverage[];
    try {
      inFile = readV8Coverage(file);
    } catch {
      continue;
    }
    for (const script of inFile) {
      const p = applicationScriptPath(script.url);
      if (p) scripts.add(p);
    }
  }
  return [...scripts].sort();
}
