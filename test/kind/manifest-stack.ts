import path from "node:path";
import YAML from "yaml";
import { loadStack } from "../../src/config/load.js";
import type { Stack } from "../../src/config/stack.js";
import { tempProject } from "../helpers/cli.js";

export interface ManifestStack {
  dir: string;
  stack: Stack;
  file(name: string): string;
}

/**
 * A kind stack in a temporary folder with the given files: `services` maps a service to its
 * manifest files, `bootstrap` lists CRD and manifest files, `extra` adds stack-file entries.
 */
export function manifestStack(
  files: Record<string, string>,
  options: {
    services?: Record<string, string[]>;
    bootstrap?: { crds?: string[]; manifests?: string[] };
    extra?: Record<string, unknown>;
  } = {},
): ManifestStack {
  const services = Object.fromEntries(
    Object.entries(options.services ?? {}).map(([name, manifests]) => [name, { manifests }]),
  );
  const stackFile = {
    name: "schema-check",
    environment: { provider: "kind", ...(options.bootstrap ? { bootstrap: options.bootstrap } : {}) },
    services,
    ...options.extra,
  };
  const dir = tempProject({ ...files, "paddock.yaml": YAML.stringify(stackFile) });
  return { dir, stack: loadStack(path.join(dir, "paddock.yaml")), file: (name) => path.join(dir, name) };
}

/** The 1-based line of the first line of `text` that contains `needle`. */
export function lineOf(text: string, needle: string): number {
  const index = text.split("\n").findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" is not in the text`);
  return index + 1;
}
