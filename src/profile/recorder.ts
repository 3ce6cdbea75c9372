import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runsDir } from "../util/paddock-dir.js";
import type { Profile } from "./types.js";

export function newRunId(stackName: string, date = new Date()): string {
  const stamp = date.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stackName}-${stamp}-${randomBytes(2).toString("hex")}`;
}

/** Creates `.paddock/runs/<id>/`, readable by its owner only (logs may hold secrets). */
export function createRunDir(stackDir: string, runId: string): string {
  const dir = path.join(runsDir(stackDir), runId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Writes JSON through a temporary file and a rename; a failed write leaves neither a half file nor the temporary one. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(value, null, 2) + "\n", { mode: 0o600 });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Writes profile.json and points `.paddock/runs/latest` at this run. */
export function writeProfile(runDir: string, profile: Profile): string {
  const file = path.join(runDir, "profile.json");
  writeJsonAtomic(file, profile);
  const latest = path.join(path.dirname(runDir), "latest");
  const temp = `${latest}.${process.pid}.tmp`;
  rmSync(temp, { force: true });
  symlinkSync(path.basename(runDir), temp);
  renameSync(temp, latest);
  return file;
}
