import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { contextFiles, imageContentKey } from "../../src/build/content-key.js";
import type { ImageSpec } from "../../src/config/stack.js";

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-key-"));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

function image(dir: string, extra: Partial<ImageSpec> = {}): ImageSpec {
  return {
    name: "api",
    source: {
      type: "dockerfile",
      dockerfile: path.join(dir, "Dockerfile"),
      context: dir,
      args: {},
      target: undefined,
      network: undefined,
    },
    dependsOn: [],
    coverage: undefined,
    ...extra,
  };
}

describe("content keys", () => {
  it("are the same for the same content, and change with any file the build can see", async () => {
    const dir = context({ Dockerfile: "FROM base\nCOPY . /app\n", "server.js": "v1" });
    const first = await imageContentKey(image(dir), {});
    expect(await imageContentKey(image(dir), {})).toBe(first);
    writeFileSync(path.join(dir, "server.js"), "v2");
    const edited = await imageContentKey(image(dir), {});
    expect(edited).not.toBe(first);
    chmodSync(path.join(dir, "server.js"), 0o755);
    expect(await imageContentKey(image(dir), {})).not.toBe(edited);
  });

  it("ignore what .dockerignore hides and Paddock's own state, with Docker's negation rules", async () => {
    const dir = context({
      Dockerfile: "FROM base\n",
      ".dockerignore": "node_modules\n*.log\n!keep.log\n",
      "app.js": "x",
      "node_modules/dep/index.js": "dep",
      "debug.log": "noise",
      "keep.log": "kept",
      ".paddock/runs/r1/profile.json": "{}",
    });
    expect(await contextFiles(dir)).toEqual([".dockerignore", "Dockerfile", "app.js", "keep.log"]);
    const before = await imageContentKey(image(dir), {});
    writeFileSync(path.join(dir, "debug.log"), "more noise");
    writeFileSync(path.join(dir, "node_modules/dep/index.js"), "dep v2");
    writeFileSync(path.join(dir, ".paddock/runs/r1/profile.json"), '{"x":1}');
    expect(await imageContentKey(image(dir), {})).toBe(before);
    writeFileSync(path.join(dir, "keep.log"), "changed");
    expect(await imageContentKey(image(dir), {})).not.toBe(before);
  });

  it("change with build args, the target and the coverage mode", async () => {
    const dir = context({ Dockerfile: "FROM base\n" });
    const plain = await imageContentKey(image(dir), {});
    expect(await imageContentKey(image(dir), { VERSION: "2" })).not.toBe(plain);
    const targeted = image(dir);
    if (targeted.source.type === "dockerfile") targeted.source.target = "runtime";
    expect(await imageContentKey(targeted, {})).not.toBe(plain);
    expect(await imageContentKey(image(dir, { coverage: "node" }), {})).not.toBe(plain);
  });
});

describe("keys that mean content", () => {
  it("are the same for two stacks that declare the same images under other names, base images included", async () => {
    const { keyImages } = await import("../../src/build/image-tags.js");
    const { loadStack } = await import("../../src/config/load.js");
    const shared = context({
      "base/Dockerfile": "FROM scratch\nCOPY x /x\n",
      "base/x": "x",
      "api/Dockerfile": "ARG BASE\nFROM ${BASE}\nCOPY . /app\n",
      "api/server.js": "ok",
    });
    const write = (name: string, base: string, api: string): string => {
      const file = path.join(shared, `${name}.yaml`);
      writeFileSync(
        file,
        [
          `name: ${name}`,
          "images:",
          `  ${base}: { dockerfile: base/Dockerfile, context: base }`,
          `  ${api}: { dockerfile: api/Dockerfile, context: api, args: { BASE: "\${images.${base}}" } }`,
        ].join("\n"),
      );
      return file;
    };
    const one = await keyImages(loadStack(write("suite-one", "base", "api")));
    const two = await keyImages(loadStack(write("suite-two", "debian-base", "datastorage")));
    expect(two.get("debian-base")!.key).toBe(one.get("base")!.key);
    expect(two.get("datastorage")!.key).toBe(one.get("api")!.key);
    expect(two.get("datastorage")!.tag).toBe(one.get("api")!.tag);
    // The base is passed by its keyed reference: no stack or image name in the arg.
    expect(one.get("api")!.args["BASE"]).toBe(one.get("base")!.tag);
    expect(one.get("api")!.tag).toMatch(/^paddock\/image:[0-9a-f]{32}$/);
    expect(one.get("api")!.extraTags).toEqual([`paddock/api:${one.get("api")!.key.slice(0, 16)}`]);
  });
});
