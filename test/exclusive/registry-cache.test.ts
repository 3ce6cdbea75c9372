/**
 * The cache registry across machines, on the real engine and a real registry. A "second machine"
 * is modelled as the issue describes it: every local image of the stack removed and the builder
 * cache pruned (the debootstrap base stays). Pruning the builder cache is why this file runs in
 * the exclusive suite (vitest.exclusive.config.ts), after the others, alone.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paddockBin, runCli, tempProject } from "../helpers/cli.js";
import { waitFor } from "../helpers/wait.js";
import { DOCKER, engineAvailable, latestProfile, type ProfileJson } from "../e2e/docker-helpers.js";
import { registryInstalled, startPrivateRegistry, type PrivateRegistry } from "./private-registry.js";

const hasEngine = await engineAvailable();
if (!registryInstalled && process.env["CI"])
  throw new Error("/usr/bin/docker-registry is missing, and CI is set: scripts/engine-bootstrap.sh installs it");
const token = `t${process.pid}${Date.now()}`;

const dockerfile = (step: string): string =>
  [
    "ARG BASE=paddock/debian:bookworm",
    "FROM ${BASE}",
    `RUN echo ${step}-${token} > /step && sleep 1`,
    "COPY version /app/version",
    "",
  ].join("\n");

function stack(registry: string): string {
  return tempProject({
    "base/Dockerfile": ["FROM paddock/debian:bookworm", `RUN echo base-${token} > /base`, ""].join("\n"),
    "api/Dockerfile": dockerfile("api"),
    "api/version": "api 1\n",
    "worker/Dockerfile": dockerfile("worker"),
    "worker/version": "worker 1\n",
    "paddock.yaml": [
      "name: cachetest",
      `cache: { registry: ${registry}/cache }`,
      "images:",
      "  base: { dockerfile: base/Dockerfile, context: base }",
      '  api: { dockerfile: api/Dockerfile, context: api, args: { BASE: "${images.base}" } }',
      '  worker: { dockerfile: worker/Dockerfile, context: worker, args: { BASE: "${images.base}" } }',
      "services:",
      '  api: { image: api, command: [sh, -c, "cat /app/version; echo api ready; exec sleep infinity"], ready: { log: api ready } }',
      '  worker: { image: worker, command: [sh, -c, "cat /app/version; echo worker ready; exec sleep infinity"], ready: { log: worker ready } }',
      'test: { command: [sh, -c, "true"] }',
    ].join("\n"),
  });
}

const builds = (profile: ProfileJson): Record<string, boolean | string> =>
  Object.fromEntries(profile.tasks.filter((t) => t.kind === "build").map((t) => [t.id, t.cached]));

/** A cold machine as far as this stack goes: its images removed here, the builder cache pruned. */
async function forgetLocally(registry: string): Promise<void> {
  const refs = (await execa(DOCKER, ["images", "--format", "{{.Repository}}:{{.Tag}}"])).stdout
    .split("\n")
    .filter((r) => /^paddock\/(image|base|api|worker):/.test(r) || r.startsWith(`${registry}/`));
  if (refs.length > 0) await execa(DOCKER, ["rmi", "--force", ...refs], { reject: false });
  await execa(DOCKER, ["builder", "prune", "--all", "--force"]);
}

describe.skipIf(!hasEngine || !registryInstalled)("a registry as a build cache across machines", () => {
  let registry: PrivateRegistry;
  let dir: string;
  beforeAll(async () => {
    registry = await startPrivateRegistry();
    dir = stack(registry.address);
  }, 120_000);
  afterAll(() => registry?.stop());

  it(
    "pushes what it builds; a second machine then pulls everything and builds nothing",
    { timeout: 300_000 },
    async () => {
      const first = await runCli(["test", "--progress", "plain"], { cwd: dir, timeoutMs: 300_000 });
      expect(first.code, first.stderr.slice(-2000)).toBe(0);
      const pushed = JSON.parse(
        readFileSync(path.join(dir, ".paddock", "runs", latestProfile(dir).runId, "profile.json"), "utf8"),
      ) as { pushes: { image: string; ok: boolean }[] };
      expect(pushed.pushes.map((p) => [p.image, p.ok]).sort()).toEqual([
        ["api", true],
        ["base", true],
        ["worker", true],
      ]);

      await forgetLocally(registry.address);
      const second = await runCli(["test", "--progress", "plain"], { cwd: dir, timeoutMs: 300_000 });
      expect(second.code, second.stderr.slice(-2000)).toBe(0);
      expect(builds(latestProfile(dir))).toEqual({
        "build:base": "registry",
        "build:api": "registry",
        "build:worker": "registry",
      });
      expect(second.stderr).toContain("3 of 3 builds cached (0 here, 3 from the registry; 0 built)");
    },
  );

  it(
    "an edited service builds only itself, with the layers before the edit taken from the registry",
    { timeout: 300_000 },
    async () => {
      writeFileSync(path.join(dir, "api", "version"), "api 2\n");
      await forgetLocally(registry.address);
      const result = await runCli(["test", "--progress", "plain"], { cwd: dir, timeoutMs: 300_000 });
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      expect(builds(latestProfile(dir))).toEqual({
        "build:base": "registry",
        "build:api": false,
        "build:worker": "registry",
      });
      const log = readFileSync(
        path.join(dir, ".paddock", "runs", latestProfile(dir).runId, "logs", "build-api.log"),
        "utf8",
      );
      expectStepBeforeEditFromRegistry(log);
    },
  );

  it(
    "a half-pushed image (its manifest there, a layer gone) is a miss: that image is built, the others pulled",
    { timeout: 300_000 },
    async () => {
      const workerTag = await keyTagOf("worker");
      const manifest = (await (
        await fetch(`${registry.url}/v2/cache/image/manifests/${workerTag}`, {
          headers: { accept: "application/vnd.docker.distribution.manifest.v2+json" },
        })
      ).json()) as { layers: { digest: string }[] };
      const top = manifest.layers.at(-1)!.digest;
      expect((await fetch(`${registry.url}/v2/cache/image/blobs/${top}`, { method: "DELETE" })).status).toBe(202);
      await forgetLocally(registry.address);
      const result = await runCli(["test", "--progress", "plain"], { cwd: dir, timeoutMs: 300_000 });
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      expect(builds(latestProfile(dir))).toEqual({
        "build:base": "registry",
        "build:api": "registry",
        "build:worker": false,
      });
    },
  );

  it(
    "a second edit still takes the steps before it from the registry (the layer source keeps its whole inline cache)",
    { timeout: 300_000 },
    async () => {
      writeFileSync(path.join(dir, "api", "version"), "api 3\n");
      await forgetLocally(registry.address);
      const result = await runCli(["test", "--progress", "plain"], { cwd: dir, timeoutMs: 300_000 });
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      expect(builds(latestProfile(dir))["build:api"]).toBe(false);
      expectStepBeforeEditFromRegistry(
        readFileSync(path.join(dir, ".paddock", "runs", latestProfile(dir).runId, "logs", "build-api.log"), "utf8"),
      );
    },
  );

  /** The step before the edit: its layer pulled from the registry's newest api image, not run again. */
  function expectStepBeforeEditFromRegistry(log: string): void {
    expect(log).toContain(`importing cache manifest from ${registry.address}/cache/image:latest-api`);
    expect(log).toMatch(
      new RegExp(
        `#(\\d+) \\[2/3\\] RUN echo api-${token}[^\\n]*\\n(#\\1 [^\\n]*\\n)*?#\\1 pulling sha256:[0-9a-f]+[^\\n]*\\n#\\1 CACHED`,
      ),
    );
  }

  it("a registry that stops mid-run is one warning, and the run passes", { timeout: 300_000 }, async () => {
    writeFileSync(path.join(dir, "worker", "version"), "worker 2\n");
    const child = execa(process.execPath, [paddockBin, "test", "--progress", "plain"], {
      cwd: dir,
      reject: false,
      all: true,
    });
    await new Promise<void>((resolve) =>
      child.all?.on("data", (chunk: Buffer) => /build:worker\s+running/.test(chunk.toString()) && resolve()),
    );
    registry.stop();
    await waitFor(
      "the registry to stop",
      async () =>
        await fetch(`${registry.url}/v2/`).then(
          () => false,
          () => true,
        ),
    );
    const result = await child;
    expect(result.exitCode, result.all.slice(-2000)).toBe(0);
    expect(result.all.match(/warning: pushing worker to .* failed/g)).toHaveLength(1);
    expect(result.all).toContain("Pushed to the cache registry: 0 of 1 images (1 failed");
  });

  it(
    "an unreachable registry is one warning at startup; everything is built locally",
    { timeout: 300_000 },
    async () => {
      const result = await runCli(["test", "--progress", "plain", "--cache-registry", `${registry.address}/cache`], {
        cwd: dir,
        timeoutMs: 300_000,
      });
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      expect(result.stderr.match(/warning: the cache registry .* is not usable/g)).toHaveLength(1);
      expect(latestProfile(dir).tasks.filter((t) => t.cached === "registry")).toEqual([]);
    },
  );
});

/** The registry tag of a stack image here (its content key): the keyed tag that its readable tag (`paddock/<name>:<key16>`) starts. */
async function keyTagOf(image: string): Promise<string> {
  const tags = (await execa(DOCKER, ["images", "--format", "{{.Repository}}:{{.Tag}}"])).stdout.split("\n");
  const key16 = tags.find((t) => t.startsWith(`paddock/${image}:`))?.split(":")[1];
  const keyed = key16 && tags.find((t) => t.startsWith(`paddock/image:${key16}`));
  if (!keyed) throw new Error(`no keyed tag for ${image} here`);
  return keyed.slice("paddock/image:".length);
}
