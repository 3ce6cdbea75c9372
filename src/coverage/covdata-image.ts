import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildImage, type BuildOptions, type BuiltImage } from "../build/build-image.js";
import type { KeyedImage } from "../build/image-tags.js";

/** Bumped when the Dockerfile below changes, so older tool images are not reused. */
const RECIPE = "1";

/**
 * `go tool covdata` of a Go build stage as a tiny image of its own: FROM scratch, the one static
 * binary the Go distribution ships as `$(go env GOTOOLDIR)/covdata` (Go's tools use no cgo). A
 * cold machine pulls these few MB from the cache registry instead of the whole toolchain stage.
 */
export function covdataImage(stage: KeyedImage): KeyedImage {
  const key = createHash("sha256").update(`go-covdata\0${RECIPE}\0${stage.key}`).digest("hex").slice(0, 32);
  return {
    spec: {
      ...stage.spec,
      name: stage.spec.name.replace(/-go-stage$/, "-covdata"),
      // Its build context is made when it is built (buildCovdataImage): the key needs none.
      source: { type: "dockerfile", dockerfile: "", context: "", args: {}, target: undefined, network: undefined },
      coverage: undefined,
    },
    key,
    tag: `paddock/go-covdata:${key.slice(0, 16)}`,
    extraTags: [],
    args: {},
  };
}

/** The tool's path inside its image. */
export const COVDATA_PATH = "/covdata";

/** Builds the tool image from the stage image (here already): a Dockerfile in a temporary context, removed after. */
export async function buildCovdataImage(
  tool: KeyedImage,
  stageTag: string,
  options: Omit<BuildOptions, "cacheFrom">,
): Promise<BuiltImage> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-covdata-"));
  const dockerfile = path.join(dir, "Dockerfile");
  try {
    writeFileSync(
      dockerfile,
      [
        `FROM ${stageTag} AS toolchain`,
        `RUN cp "$(go env GOTOOLDIR)/covdata" ${COVDATA_PATH}`,
        "FROM scratch",
        `COPY --from=toolchain ${COVDATA_PATH} ${COVDATA_PATH}`,
        "",
      ].join("\n"),
    );
    const source = { type: "dockerfile" as const, dockerfile, context: dir, args: {}, target: undefined, network: undefined };
    return await buildImage({ ...tool, spec: { ...tool.spec, source } }, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
