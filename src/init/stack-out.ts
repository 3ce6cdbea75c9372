import path from "node:path";
import type { ComposeProject } from "./load-compose.js";
import type { InitReport } from "./report.js";

/** The paddock.yaml `init` writes, in the stack file's input shape (see src/config/schema.ts). */
export interface ImageOut {
  dockerfile: string;
  context: string;
  args?: Record<string, string>;
  target?: string;
  network?: string;
}

export interface ReadyOut {
  exec?: string[];
  healthcheck?: true;
}

export interface WorkloadOut {
  image: string;
  command?: string[];
  entrypoint?: string[];
  env?: Record<string, string>;
  secretEnv?: string[];
  ports?: (number | string)[];
  volumes?: string[];
  ready?: ReadyOut;
  dependsOn?: string[];
  timeout?: string;
}

export interface StackOut {
  name: string;
  images: Record<string, ImageOut>;
  services: Record<string, WorkloadOut>;
  jobs: Record<string, WorkloadOut>;
}

/** What each converter needs: the project, where the file goes, and the report to add to. */
export interface ConvertContext {
  project: ComposeProject;
  /** Directory of the paddock.yaml being written: its relative paths start there. */
  outputDir: string;
  report: InitReport;
}

/** A project path (absolute, or relative to the project directory) as the stack file writes it. */
export function stackPath(ctx: ConvertContext, projectPath: string): string {
  const absolute = path.resolve(ctx.project.dir, projectPath);
  const relative = path.relative(ctx.outputDir, absolute).split(path.sep).join("/");
  if (relative === "") return ".";
  return relative.startsWith(".") ? relative : `./${relative}`;
}

/** A short rendering of a Compose value for a report line. */
export function brief(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
