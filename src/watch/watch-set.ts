import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Ignore } from "@balena/dockerignore";
import { workloads, type Stack } from "../config/stack.js";

// The package is CommonJS with `module.exports = factory`.
const dockerignore = createRequire(import.meta.url)("@balena/dockerignore") as () => Ignore;

/** What `paddock watch` watches for a stack, and which changed paths mean the environment must be updated. */
export interface WatchSet {
  /** Files and folders handed to the watcher. */
  roots: string[];
  /** Whether a change to this file (absolute) can change what runs: a build context file the builder sees, a manifest, the stack file… */
  relevant(file: string): boolean;
}

const isUnder = (file: string, dir: string): boolean => {
  const relative = path.relative(dir, file);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
};

/** Paddock's own state and version control never count, wherever they are. */
export const NEVER_WATCHED = /(^|[/\\])(\.paddock|\.git)([/\\]|$)/;

/** A context's .dockerignore, read when a change comes (it may change too). */
function visibleInContext(context: string, file: string): boolean {
  let patterns: string;
  try {
    patterns = readFileSync(path.join(context, ".dockerignore"), "utf8");
  } catch {
    return true;
  }
  const relative = path.relative(context, file).split(path.sep).join("/");
  return relative === ".dockerignore" || !dockerignore().add(patterns.split(/\r?\n/)).ignores(relative);
}

/**
 * The stack file and its includes; each image's Dockerfile and context (honouring its
 * .dockerignore) or command inputs; every workload's manifests and bind-mounted folders (the
 * migrations a job reads); the bootstrap CRDs and manifests.
 */
export function watchSet(stack: Stack): WatchSet {
  const files = new Set<string>(stack.sourceFiles ?? [stack.file]);
  const contexts: string[] = [];
  const folders: string[] = [];
  for (const image of Object.values(stack.images)) {
    const source = image.source;
    if (source.type === "dockerfile") {
      files.add(source.dockerfile);
      contexts.push(source.context);
    } else if (source.type === "command") {
      for (const input of source.inputs) files.add(path.resolve(source.cwd, input));
    }
  }
  for (const workload of workloads(stack)) {
    for (const manifest of workload.manifests) files.add(manifest);
    for (const volume of workload.volumes) if (volume.type === "bind") folders.push(volume.source);
  }
  for (const file of [...stack.environment.bootstrap.crds, ...stack.environment.bootstrap.manifests]) files.add(file);
  return {
    roots: [...new Set([...files, ...contexts, ...folders])].sort(),
    relevant(file) {
      if (NEVER_WATCHED.test(file)) return false;
      if (files.has(file) || folders.some((f) => isUnder(file, f))) return true;
      return contexts.some((context) => isUnder(file, context) && visibleInContext(context, file));
    },
  };
}
