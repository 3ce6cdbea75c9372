import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { createRequire } from "node:module";
import type { Ignore } from "@balena/dockerignore";
import { glob } from "tinyglobby";
import type { ImageSpec } from "../config/stack.js";

// The package is CommonJS with `module.exports = factory`.
const dockerignore = createRequire(import.meta.url)("@balena/dockerignore") as () => Ignore;

// v2: keys no longer carry a stack or image name (base images are referenced by their keys).
const KEY_VERSION = "paddock-image-key-v2";

/** Files of a build context the builder can see: Docker's .dockerignore rules apply; Paddock's own state never counts. */
export async function contextFiles(context: string): Promise<string[]> {
  const files = await glob("**/*", {
    cwd: context,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    ignore: [".paddock/**", "**/.paddock/**"],
  });
  let patterns = "";
  try {
    patterns = await readFile(path.join(context, ".dockerignore"), "utf8");
  } catch {
    // no .dockerignore: everything is visible
  }
  const visible = patterns ? dockerignore().add(patterns.split(/\r?\n/)).filter(files) : files;
  return visible.sort();
}

async function hashFile(hash: ReturnType<typeof createHash>, file: string, label: string): Promise<void> {
  const [content, info] = await Promise.all([readFile(file), stat(file)]);
  hash.update(`${label}\0${info.mode & 0o111 ? "x" : "-"}\0${content.length}\0`);
  hash.update(content);
}

/**
 * An image's content key: its Dockerfile, the context files it can see, build args (with
 * stack-image references already resolved to their keyed references), target and coverage mode —
 * never the stack's or the image's name. Two builds with the same key produce the same image,
 * so the key is the reference.
 */
export async function imageContentKey(image: ImageSpec, resolvedArgs: Record<string, string>): Promise<string> {
  const hash = createHash("sha256").update(
    `${KEY_VERSION}\0${image.source.type}\0coverage=${image.coverage ?? "none"}\0`,
  );
  const source = image.source;
  if (source.type === "ref") {
    hash.update(source.ref);
  } else if (source.type === "command") {
    // A command's arguments that name one of its inputs count by that input's content, not by
    // where it lies: the same script reached by another relative path is the same image.
    const inputs = [...source.inputs].sort();
    const args = source.command.map((arg) => {
      const index = inputs.indexOf(path.resolve(source.cwd, arg));
      return index === -1 ? arg : `<input ${index}>`;
    });
    hash.update(JSON.stringify(args));
    for (const [i, input] of inputs.entries()) await hashFile(hash, input, `<input ${i}>`);
  } else {
    await hashFile(hash, source.dockerfile, "Dockerfile");
    hash.update(`target=${source.target ?? ""}\0`);
    for (const key of Object.keys(resolvedArgs).sort()) hash.update(`arg:${key}=${resolvedArgs[key]}\0`);
    for (const file of await contextFiles(source.context)) await hashFile(hash, path.join(source.context, file), file);
  }
  return hash.digest("hex");
}

/**
 * The reference an image is found by: its content key alone, so two stacks (or two names) that
 * build the same thing find one image, and parallel suites never collide.
 */
export function keyedReference(key: string): string {
  return `paddock/image:${key.slice(0, 32)}`;
}

/** A second, readable tag for `docker images` (the image's name in the stack that built it); never used for lookups. */
export function readableTag(image: string, key: string): string {
  return `paddock/${image}:${key.slice(0, 16)}`;
}
