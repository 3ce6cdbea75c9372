import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Writes files (relative path → content) under dir. Free of vitest: the benchmarks use it too. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}
