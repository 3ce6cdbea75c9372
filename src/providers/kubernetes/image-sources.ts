import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { ImageBuilder } from "../../build/builder.js";
import { runTool } from "../../exec/run-tool.js";
import { LABELS } from "../run-labels.js";
import type { ProviderContext } from "../types.js";

/**
 * Copies scripts (absolute paths in the image's file system, as the V8 data names them) out of
 * built images on this machine into `sourcesDir/<path>`: `create` a container that never starts,
 * `cp` each script, `rm` it. The cluster's nodes are not asked: the image the builder made is the
 * same one they run. Images are tried in order for scripts still missing. Returns the scripts not found.
 */
export async function copyScriptsFromImages(
  builder: Pick<ImageBuilder, "bin">,
  images: readonly string[],
  scripts: readonly string[],
  sourcesDir: string,
  runId: string,
  ctx: ProviderContext,
): Promise<string[]> {
  let missing = [...scripts];
  for (const image of images) {
    if (missing.length === 0) break;
    const name = `paddock-sources-${randomUUID().slice(0, 12)}`;
    // The command is a placeholder: the container is only created, never started.
    const created = await runTool(
      builder.bin,
      ["create", "--name", name, "--label", `${LABELS.run}=${runId}`, image, "true"],
      { signal: ctx.signal, allowFailure: true },
    );
    if (created.exitCode !== 0) {
      ctx.log(`could not read scripts from ${image}: ${created.all.trim().split("\n").at(-1) ?? ""}`);
      continue;
    }
    try {
      const still: string[] = [];
      for (const script of missing) {
        const hostCopy = path.join(sourcesDir, script);
        mkdirSync(path.dirname(hostCopy), { recursive: true });
        const cp = await runTool(builder.bin, ["cp", `${name}:${script}`, hostCopy], {
          signal: ctx.signal,
          allowFailure: true,
        });
        if (cp.exitCode !== 0) still.push(script);
      }
      missing = still;
    } finally {
      await runTool(builder.bin, ["rm", name], { signal: AbortSignal.timeout(30_000), allowFailure: true });
    }
  }
  return missing;
}
