import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { brief, stackPath, type ConvertContext, type ImageOut } from "./stack-out.js";
import { CONVERTED_BUILD_FIELDS, EXTENSION_FIELD, UNSUPPORTED_BUILD_FIELDS } from "./unsupported-fields.js";
import { listOrDict, stringOf, type ComposeMap } from "./values.js";

const REMOTE_CONTEXT = /^(?:[a-z]+:\/\/|git@|github\.com\/)/i;
/** Build network modes `docker build --network` understands; a Compose network name is not one. */
const BUILD_NETWORKS = new Set(["host", "none", "default"]);

/**
 * A service's `build:` as a Paddock image. Returns the reason instead when Paddock cannot build
 * it (a remote context, an inline Dockerfile, a missing directory or file).
 */
export function convertBuild(
  scope: string,
  build: ComposeMap,
  ctx: ConvertContext,
): { image: ImageOut } | { problem: string } {
  const { report, project } = ctx;
  for (const [key, value] of Object.entries(build)) {
    if ((CONVERTED_BUILD_FIELDS as readonly string[]).includes(key)) continue;
    report.dropped(
      scope,
      `build.${key}`,
      key.startsWith("x-")
        ? EXTENSION_FIELD
        : `${brief(value)}: ${UNSUPPORTED_BUILD_FIELDS[key] ?? "not supported by Paddock's builders"}`,
    );
  }
  const context = stringOf(build["context"]) ?? ".";
  if (REMOTE_CONTEXT.test(context))
    return { problem: `build context ${context} is a remote URL; Paddock builds from a local directory` };
  if (build["dockerfile_inline"] !== undefined)
    return { problem: "build.dockerfile_inline: Paddock builds from a Dockerfile on disk" };
  const contextDir = path.resolve(project.dir, context);
  if (!existsSync(contextDir) || !statSync(contextDir).isDirectory())
    return { problem: `build context ${context} is not a directory (looked at ${contextDir})` };
  const dockerfile = path.resolve(contextDir, stringOf(build["dockerfile"]) ?? "Dockerfile");
  if (!existsSync(dockerfile)) return { problem: `Dockerfile not found: ${dockerfile}` };

  const image: ImageOut = { dockerfile: stackPath(ctx, dockerfile), context: stackPath(ctx, contextDir) };
  const args: Record<string, string> = {};
  for (const [key, value] of Object.entries(listOrDict(build["args"]))) {
    // An arg without a value takes it from the environment, as in Compose.
    const resolved = value ?? project.lookup(key);
    if (resolved === undefined)
      report.dropped(
        scope,
        `build.args.${key}`,
        "has no value and the variable is not set here (Compose would leave it unset too)",
      );
    else args[key] = resolved;
  }
  if (Object.keys(args).length > 0) image.args = args;
  const target = stringOf(build["target"]);
  if (target !== undefined) image.target = target;
  const network = stringOf(build["network"]);
  if (network !== undefined) {
    if (BUILD_NETWORKS.has(network)) image.network = network;
    else
      report.dropped(
        scope,
        "build.network",
        `${brief(network)}: builds run on host, none or the default network; a Compose network does not exist while Paddock builds`,
      );
  }
  return { image };
}
