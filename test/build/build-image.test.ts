import { describe, expect, it } from "vitest";
import { BuildError, failingStep } from "../../src/build/build-error.js";
import { buildImage } from "../../src/build/build-image.js";
import type { BuildRequest, ImageBuilder } from "../../src/build/builder.js";
import type { KeyedImage } from "../../src/build/image-tags.js";
import { describeError } from "../../src/errors.js";
import { ToolError } from "../../src/exec/tool-error.js";

/** An image store in memory: the builder's side of "is it already done?" before "do it". */
class MemoryBuilder implements ImageBuilder {
  readonly importsRegistryCache = false;
  readonly name = "docker";
  readonly bin = "docker";
  readonly images = new Map<string, string>();
  readonly builds: BuildRequest[] = [];
  constructor(private readonly createsImage = true) {}
  async imageId(ref: string): Promise<string | undefined> {
    return this.images.get(ref);
  }
  async build(request: BuildRequest): Promise<void> {
    this.builds.push(request);
    if (this.createsImage) this.images.set(request.tag, `sha256:${this.builds.length}`);
  }
  async pull(ref: string): Promise<void> {
    this.images.set(ref, "sha256:pulled");
  }
}

const keyed: KeyedImage = {
  spec: {
    name: "api",
    source: {
      type: "dockerfile",
      dockerfile: "/s/Dockerfile",
      context: "/s",
      args: {},
      target: undefined,
      network: undefined,
    },
    dependsOn: [],
    coverage: undefined,
  },
  key: "ab".repeat(32),
  tag: "paddock/image:abababababababababababababababab",
  args: { GOFLAGS: "-cover" },
  extraTags: ["paddock/api:abababababababab"],
};

describe("buildImage", () => {
  it("asks whether the keyed tag exists before building, and builds only when it does not", async () => {
    const builder = new MemoryBuilder();
    const first = await buildImage(keyed, { builder, noCache: false, logDir: undefined });
    expect(first).toMatchObject({ cached: false, tag: keyed.tag, id: "sha256:1" });
    expect(builder.builds[0]).toMatchObject({
      tag: keyed.tag,
      extraTags: ["paddock/api:abababababababab"],
      args: { GOFLAGS: "-cover" },
      noCache: false,
    });
    const second = await buildImage(keyed, { builder, noCache: false, logDir: undefined });
    expect(second).toMatchObject({ cached: true, id: "sha256:1" });
    expect(builder.builds).toHaveLength(1);
    await buildImage(keyed, { builder, noCache: true, logDir: undefined });
    expect(builder.builds).toHaveLength(2);
  });

  it("says so when a build succeeded but left no image under the tag", async () => {
    const error = await buildImage(keyed, {
      builder: new MemoryBuilder(false),
      noCache: false,
      logDir: undefined,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe(`image "api" should now exist as ${keyed.tag}, but docker does not know it`);
  });
});

describe("the failing step of a build", () => {
  it("is read from BuildKit's summary, its errored vertex, or the classic builder's step", () => {
    expect(
      failingStep(
        "#9 [builder 3/5] RUN go build ./...\n#9 ERROR: exit code 1\n------\n > [builder 3/5] RUN go build ./...:\n",
      ),
    ).toBe("[builder 3/5] RUN go build ./...");
    expect(failingStep("#7 [2/3] RUN npm ci\n#7 12.3 npm ERR! network\n#7 ERROR: process did not complete\n")).toBe(
      "[2/3] RUN npm ci",
    );
    expect(failingStep("Step 1/3 : FROM base\nStep 2/3 : RUN false\nThe command returned a non-zero code: 1\n")).toBe(
      "step 2/3: RUN false",
    );
    expect(failingStep("no steps at all")).toBeUndefined();
  });

  it("names the image and step; the build command and its last 20 lines are the evidence, shown once", () => {
    const output = [
      ...Array.from({ length: 25 }, (_, i) => `#5 line ${i}`),
      "#5 [2/2] RUN make",
      "#5 ERROR: exit code 2",
      " > [2/2] RUN make:",
    ].join("\n");
    const tool = new ToolError(["docker", "build", "-t", "paddock/api:1", "."], 1, output.split("\n").slice(-15), {
      output,
    });
    const error = new BuildError("api", "/run/logs/build-api.log", tool);
    expect(error.message).toBe('image "api" failed to build at [2/2] RUN make');
    expect(error.cause).toBe(tool);
    const text = describeError(error);
    expect(text).toContain("command: docker build -t paddock/api:1 .");
    expect(text).toContain("last build output:");
    expect(text.match(/\| #5 line/g)).toHaveLength(17);
    expect(text).toContain("full log: /run/logs/build-api.log");
    expect(
      new BuildError(
        "api",
        undefined,
        new ToolError(["docker"], 1, [], { output: "failed to fetch oauth token: unexpected EOF" }),
      ).transient,
    ).toBe(true);
  });
});
