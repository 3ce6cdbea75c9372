import { execFileSync, spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { describeError } from "../../src/errors.js";
import { ToolError } from "../../src/exec/tool-error.js";
import { hasImage, hasImages } from "../../src/registry/has-image.js";
import { MEDIA_TYPES } from "../../src/registry/manifest.js";
import { ping } from "../../src/registry/ping.js";
import { parseRegistryRef, repositoryName } from "../../src/registry/ref.js";
import { registryCheck } from "../../src/registry/check.js";
import { pullImage, pushImage } from "../../src/registry/transfer.js";
import { dockerAvailable, dockerBin } from "../kind/helpers.js";
import { api, deleteManifests, liveRegistry, manifestOf, testRepository } from "./live-registry.js";

const BASE = "paddock/debian:bookworm";
const docker = dockerAvailable();
if (!docker && process.env["CI"])
  throw new Error("the Docker engine does not answer, and CI is set: the registry tests push with docker");
if (!docker)
  console.warn(
    "SKIPPED test/registry/docker-registry.test.ts: the Docker engine does not answer (`docker info` failed)",
  );
const registry = docker ? await liveRegistry("test/registry/docker-registry.test.ts") : undefined;
const cli = { name: "docker" as const, bin: dockerBin() };

describe.skipIf(!registry)("the registry client against the bootstrap's registry", () => {
  const live = registry!;
  const pushed: { name: string; tags: string[] }[] = [];
  const localTags: string[] = [];

  async function push(what: string, tag = "t1"): Promise<{ repository: string; name: string; remote: string }> {
    const repository = testRepository(what);
    const name = repositoryName(live, repository);
    const remote = await pushImage(cli, BASE, live, repository, tag);
    pushed.push({ name, tags: [tag] });
    localTags.push(remote);
    return { repository, name, remote };
  }

  afterAll(async () => {
    for (const { name, tags } of pushed) await deleteManifests(live, name, tags);
    if (localTags.length > 0) spawnSync(dockerBin(), ["rmi", ...localTags], { encoding: "utf8" });
  });

  it("pings it, and doctor's check says ok", async () => {
    expect(await ping(live)).toMatchObject({ state: "ok", url: `${live.baseUrl}/v2/` });
    expect((await ping(live)).detail).toContain("registry/2.0");
    expect(await registryCheck(live.value)).toMatchObject({ name: `registry ${live.authority}`, status: "ok" });
  });

  it("a pushed image is a hit; a tag never pushed is a miss", async () => {
    const { repository, remote } = await push("hit");
    expect(remote).toBe(`${live.authority}/${repository}:t1`);
    const lookup = await hasImage(live, repository, "t1");
    expect(lookup).toMatchObject({ hit: true });
    expect(lookup.reason).toContain("manifest, config and 1 layer(s) present");
    expect(await hasImage(live, repository, "never-pushed")).toMatchObject({
      hit: false,
      cause: "absent",
      reason: `no manifest for ${repository}:never-pushed`,
    });
    const many = await hasImages(
      live,
      [
        { repository, tag: "t1" },
        { repository, tag: "nope" },
        { repository: testRepository("nothing"), tag: "t1" },
      ],
      { concurrency: 2 },
    );
    expect(many.map((l) => l.hit)).toEqual([true, false, false]);
  });

  it("an image whose layer blob is gone (a half-finished push) is a miss with the reason", async () => {
    const { repository, name } = await push("half");
    const { json } = await manifestOf(live, name, "t1");
    const layer = json.layers[0]!.digest;
    const deleted = await api(live, "DELETE", `/v2/${name}/blobs/${layer}`);
    expect(deleted.status).toBe(202);
    const lookup = await hasImage(live, repository, "t1");
    expect(lookup).toMatchObject({ hit: false, cause: "incomplete" });
    expect(lookup.reason).toContain(`layer 1 of 1 ${layer} is missing`);
  });

  it("images that share a layer are looked up together: the layer gone makes each of them a miss", async () => {
    const { repository, name } = await push("shared");
    await pushImage(cli, BASE, live, repository, "t2");
    pushed.at(-1)!.tags.push("t2");
    localTags.push(`${live.authority}/${repository}:t2`);
    const both = [
      { repository, tag: "t1" },
      { repository, tag: "t2" },
    ];
    expect((await hasImages(live, both)).map((l) => l.hit)).toEqual([true, true]);
    const layer = (await manifestOf(live, name, "t1")).json.layers[0]!.digest;
    expect((await api(live, "DELETE", `/v2/${name}/blobs/${layer}`)).status).toBe(202);
    const lookups = await hasImages(live, both);
    expect(lookups).toMatchObject([
      { hit: false, cause: "incomplete" },
      { hit: false, cause: "incomplete" },
    ]);
    for (const lookup of lookups) expect(lookup.reason).toContain(`${layer} is missing`);
  });

  it("an index is read through its linux/amd64 manifest, and is a miss once that manifest is gone", async () => {
    const { repository, name } = await push("index");
    const child = await manifestOf(live, name, "t1");
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [
        {
          mediaType: MEDIA_TYPES.dockerManifest,
          digest: child.digest,
          size: child.size,
          platform: { os: "linux", architecture: "amd64" },
        },
      ],
    });
    const put = await api(live, "PUT", `/v2/${name}/manifests/multi`, {
      body: index,
      contentType: MEDIA_TYPES.ociIndex,
    });
    expect(put.status, await put.text()).toBe(201);
    pushed.at(-1)!.tags.push("multi");
    const hit = await hasImage(live, repository, "multi");
    expect(hit).toMatchObject({ hit: true });
    expect(hit.reason).toContain(`linux/amd64 ${child.digest}`);

    expect((await api(live, "DELETE", `/v2/${name}/manifests/${child.digest}`)).status).toBe(202);
    const miss = await hasImage(live, repository, "multi");
    expect(miss).toMatchObject({ hit: false, cause: "incomplete" });
    expect(miss.reason).toContain(`names manifest ${child.digest}, which is missing`);
  });

  it("pulls a pushed image back into the engine", async () => {
    const { repository, remote } = await push("pull");
    execFileSync(dockerBin(), ["rmi", remote]);
    expect(spawnSync(dockerBin(), ["image", "inspect", remote]).status).not.toBe(0);
    expect(await pullImage(cli, live, repository, "t1")).toBe(remote);
    const id = (ref: string): string =>
      execFileSync(dockerBin(), ["image", "inspect", "--format", "{{.Id}}", ref], { encoding: "utf8" }).trim();
    expect(id(remote)).toBe(id(BASE));
  });

  it("a push to a registry that does not answer fails with the command, its output and what to try", async () => {
    const nowhere = parseRegistryRef("127.0.0.1:9/paddock-test");
    const failure = await pushImage(cli, BASE, nowhere, "unreachable", "t1").then(
      () => undefined,
      (e: unknown) => e,
    );
    localTags.push("127.0.0.1:9/paddock-test/unreachable:t1");
    expect(failure).toBeInstanceOf(ToolError);
    const error = failure as ToolError;
    expect(error.message).toContain(
      `pushing 127.0.0.1:9/paddock-test/unreachable:t1 failed (exit 1): ${dockerBin()} push 127.0.0.1:9/paddock-test/unreachable:t1`,
    );
    // The tool's output is the error's evidence, printed once with it.
    expect(describeError(error)).toMatch(/connection refused/);
    expect(error.hint).toContain("engine-bootstrap.sh registry");
  });
});
