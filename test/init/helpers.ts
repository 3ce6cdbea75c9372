import path from "node:path";
import { parse } from "yaml";
import { convertProject, type Conversion } from "../../src/init/convert.js";
import { loadComposeProject, type ComposeProject } from "../../src/init/load-compose.js";
import type { InitNote } from "../../src/init/report.js";
import { renderStackFile } from "../../src/init/write-yaml.js";
import { tempProject } from "../helpers/cli.js";

export interface Converted extends Conversion {
  dir: string;
  project: ComposeProject;
  /** The paddock.yaml text and its parsed value. */
  text: string;
  yaml: Record<string, unknown> & {
    services?: Record<string, Record<string, unknown>>;
    jobs?: Record<string, Record<string, unknown>>;
    images?: Record<string, Record<string, unknown>>;
  };
}

/** Writes `files` to a temp project and converts `from` (default compose.yaml) as `paddock init` would. */
export function convertFiles(
  files: Record<string, string>,
  options: { from?: string[]; env?: Record<string, string>; profiles?: string[]; envFile?: string } = {},
): Converted {
  const dir = tempProject(files);
  const project = loadComposeProject({
    from: options.from ?? ["compose.yaml"],
    cwd: dir,
    env: options.env ?? {},
    envFile: options.envFile,
  });
  const conversion = convertProject(project, { profiles: options.profiles ?? [], outputDir: project.dir });
  const text = renderStackFile({ stack: conversion.stack, header: ["test"] });
  return { ...conversion, dir, project, text, yaml: parse(text) as Converted["yaml"] };
}

/** The notes about one Compose field of one service, as "kind field: message" lines. */
export function notesAbout(notes: readonly InitNote[], scope: string, field: string): string[] {
  return notes.filter((n) => n.scope === scope && n.field === field).map((n) => `${n.kind} ${n.field}: ${n.message}`);
}

/** A project that skips file loading: for converter tests of fields the schema makes hard to write. */
export function projectOf(
  model: Record<string, unknown>,
  dir = path.join("/tmp", "paddock-init-none"),
): ComposeProject {
  return {
    name: "test",
    dir,
    files: [path.join(dir, "compose.yaml")],
    model,
    lookup: () => undefined,
    locate: () => ({ file: path.join(dir, "compose.yaml"), line: undefined }),
  };
}
