import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { BuiltImage } from "../../build/build-image.js";
import type { ImageBuilder } from "../../build/builder.js";
import { runTool } from "../../exec/run-tool.js";
import type { ProviderContext } from "../types.js";
import type { KindCli } from "./kind-cli.js";

const ALREADY_PRESENT = /found to be already present on all nodes/;

/** Whether kind reported every image as already on every node (same image ID): nothing was copied. */
export function allAlreadyPresent(output: string, tags: readonly string[]): boolean {
  const lines = output.split("\n").filter((l) => ALREADY_PRESENT.test(l));
  return tags.every((tag) => lines.some((l) => l.includes(`"${tag}"`)));
}

/** A reference with an explicit registry, so podman's `localhost/` default does not end up in the nodes. */
export function dockerHubQualified(tag: string): string {
  const first = tag.split("/")[0] ?? "";
  const hasRegistry = tag.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return hasRegistry ? tag : `docker.io/${tag}`;
}

/**
 * Makes built images visible to the cluster's nodes. Docker: `kind load docker-image` with every tag in
 * one call; kind skips images a node already has with the same ID. Podman (which `kind load docker-image`
 * cannot read): `podman save` into a temporary archive unique to the run, `kind load image-archive`, and
 * the archive removed afterwards, also on failure.
 */
export async function loadImages(
  kind: KindCli,
  builder: ImageBuilder,
  images: readonly BuiltImage[],
  runId: string,
  ctx: ProviderContext,
): Promise<{ cached: boolean }> {
  const tags = [...new Set(images.map((i) => i.tag))];
  if (tags.length === 0) return { cached: true };
  if (builder.name === "docker") {
    const result = await kind.loadDockerImages(tags, ctx.signal);
    for (const line of result.stderr.split("\n").filter((l) => l.startsWith("Image:"))) ctx.log(line.trim());
    return { cached: allAlreadyPresent(result.all, tags) };
  }
  // Podman names local images localhost/<name>; the nodes' containerd would then not match the manifests'
  // <name> (docker.io/<name>). Saving under the docker.io name keeps the references equal.
  const names = tags.map(dockerHubQualified);
  for (const [i, name] of names.entries())
    if (name !== tags[i]) await runTool(builder.bin, ["tag", tags[i]!, name], { signal: ctx.signal });
  const archive = path.join(os.tmpdir(), `paddock-${runId}-images-${randomUUID().slice(0, 8)}.tar`);
  try {
    await runTool(
      builder.bin,
      [
        "save",
        "--format",
        "docker-archive",
        ...(names.length > 1 ? ["--multi-image-archive"] : []),
        "-o",
        archive,
        ...names,
      ],
      { signal: ctx.signal },
    );
    await kind.loadArchive(archive, tags, ctx.signal);
    ctx.log(`loaded ${tags.join(", ")} through ${path.basename(archive)}`);
  } finally {
    await rm(archive, { force: true });
  }
  return { cached: false };
}
