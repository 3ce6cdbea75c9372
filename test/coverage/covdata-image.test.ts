/**
 * Where `go tool covdata` comes from on a host without Go: the covdata tool image, built from the
 * image's Go build stage when it is not here (with or without a cache registry), pulled when the
 * registry has it. The builder records what it is asked; the engine-backed path is covered by
 * docker-example.test.ts.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { BuildRequest, ImageBuilder } from "../../src/build/builder.js";
import type { KeyedImage } from "../../src/build/image-tags.js";
import { covdataImage } from "../../src/coverage/covdata-image.js";
import { goStageImage, imageGo, type GoStageCache } from "../../src/coverage/go-toolchain.js";
import { tempProject } from "../helpers/cli.js";

const DOCKERFILE = [
  "FROM golang:1.23 AS builder",
  "RUN go build -o /out/app .",
  "FROM scratch",
  "COPY --from=builder /out/app /app",
  "",
].join("\n");

/** An engine as far as these calls go: the images it has, and what it was asked to build. */
class RecordingBuilder implements ImageBuilder {
  readonly name = "docker";
  readonly bin = "docker";
  readonly importsRegistryCache = false;
  readonly builds: BuildRequest[] = [];
  constructor(readonly images: Set<string>) {}
  async imageId(ref: string): Promise<string | undefined> {
    return this.images.has(ref) ? `sha256:${ref.length}` : undefined;
  }
  async build(request: BuildRequest): Promise<void> {
    this.builds.push(request);
    this.images.add(request.tag);
  }
  async pull(ref: string): Promise<void> {
    this.images.add(ref);
  }
}

function notifier(): KeyedImage {
  const dir = tempProject({ "notifier/Dockerfile": DOCKERFILE });
  const context = path.join(dir, "notifier");
  return {
    spec: {
      name: "notifier",
      source: {
        type: "dockerfile",
        dockerfile: path.join(context, "Dockerfile"),
        context,
        args: {},
        target: undefined,
        network: undefined,
      },
      dependsOn: [],
      coverage: "go",
    },
    key: "a".repeat(64),
    tag: "paddock/image:aaaa",
    extraTags: [],
    args: {},
  };
}

const signal = new AbortController().signal;

/** A cache registry that has the images `has` says, and records what is pulled from and pushed to it. */
function recordingCache(builder: RecordingBuilder, has: (image: KeyedImage) => boolean) {
  const pulled: string[] = [];
  const pushed: string[] = [];
  const cache: GoStageCache = {
    has: async (image) => has(image),
    pull: async (image) => {
      pulled.push(image.tag);
      builder.images.add(image.tag);
    },
    push: (image) => void pushed.push(image.tag),
  };
  return { cache, pulled, pushed };
}

describe("the covdata tool image", () => {
  it("is keyed by its Go build stage: another stage, another tool image", () => {
    const image = notifier();
    const stage = goStageImage(image)!;
    const tool = covdataImage(stage);
    expect(tool.tag).toMatch(/^paddock\/go-covdata:[0-9a-f]{16}$/);
    expect(tool.key).not.toBe(stage.key);
    expect(covdataImage({ ...stage, key: "b".repeat(32) }).key).not.toBe(tool.key);
  });

  it("is built from the stage when it is not here and there is no cache registry", async () => {
    const image = notifier();
    const stage = goStageImage(image)!;
    const builder = new RecordingBuilder(new Set([stage.tag]));
    const toolchain = await imageGo(image, builder, { signal });
    expect(toolchain?.description).toBe("the covdata tool of the builder stage of image notifier");
    expect(builder.builds.map((b) => b.tag)).toEqual([covdataImage(stage).tag]);
    expect(await builder.imageId(covdataImage(stage).tag)).toBeDefined();
  });

  it("builds the stage first when neither is here, and pushes both when there is a cache registry", async () => {
    const image = notifier();
    const stage = goStageImage(image)!;
    const builder = new RecordingBuilder(new Set());
    const { cache, pushed } = recordingCache(builder, () => false);
    await imageGo(image, builder, { signal, cache });
    expect(builder.builds.map((b) => [b.tag, b.target])).toEqual([
      [stage.tag, "builder"],
      [covdataImage(stage).tag, undefined],
    ]);
    expect(pushed).toEqual([stage.tag, covdataImage(stage).tag]);
  });

  it("is pulled from the cache registry when it has it: nothing is built, the stage is not fetched", async () => {
    const image = notifier();
    const stage = goStageImage(image)!;
    const builder = new RecordingBuilder(new Set());
    const { cache, pulled, pushed } = recordingCache(builder, (asked) => asked.key === covdataImage(stage).key);
    await imageGo(image, builder, { signal, cache });
    expect(builder.builds).toEqual([]);
    expect(pulled).toEqual([covdataImage(stage).tag]);
    expect(pushed).toEqual([]);
  });
});
