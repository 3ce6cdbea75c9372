import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuiltImage } from "../../src/build/build-image.js";
import { DockerBuilder } from "../../src/build/docker-builder.js";
import { describeError, isTransient, PaddockError } from "../../src/errors.js";
import { detectDockerCli } from "../../src/exec/docker-cli.js";
import { paddockBin } from "../helpers/cli.js";
import { leftovers } from "../sim/test-image.js";
import { KindRunDriver } from "./driver.js";
import { WEB, writeStack } from "./fixture.js";
import { context, dockerAvailable, removeImages, testImage, useSim, type Sim } from "./helpers.js";

const docker = dockerAvailable();
if (!docker && process.env["CI"])
  throw new Error("the Docker engine does not answer, and CI is set: the kind provider tests need it");

const RUN = { runId: "d3f3c7", stack: "kind-test" };

async function provider(dir: string, options: Parameters<typeof writeStack>[1] = {}): Promise<KindRunDriver> {
  const stack = writeStack(dir, options);
  return KindRunDriver.open(
    { stack, run: { ...RUN, stack: stack.name }, builder: new DockerBuilder(await detectDockerCli()) },
    path.join(dir, "run"),
  );
}

async function failure(promise: Promise<unknown>): Promise<PaddockError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PaddockError);
  return error as PaddockError;
}

function noneLeft(sim: Sim, cluster: string): void {
  expect(sim.clusters()).toEqual([]);
  expect(leftovers(cluster, sim.stateDir)).toEqual([]);
}

describe.skipIf(!docker)(
  "kind provider defects (found by the audit against kind v0.26 and kubectl 1.32)",
  { timeout: 120_000 },
  () => {
    let web: BuiltImage;
    beforeAll(() => {
      web = testImage("web", `d${process.pid}`);
    });
    afterAll(() => removeImages([web.tag]));

    it("a retried creation after a transient failure deletes the cluster its first attempt left, and teardown deletes the new one", async () => {
      const sim = useSim({ flakyClusterCreate: true });
      const p = await provider(sim.dir);
      const ctx = context(path.join(sim.dir, "run"));
      const first = await failure(p.create(ctx));
      expect(isTransient(first)).toBe(true);
      // --retain kept the failed attempt's nodes (for `kind export logs`): the cluster exists.
      expect(sim.clusters()).toEqual([p.clusterName]);
      // The scheduler retries a transient failure: the same environment, a second create.
      await p.create(ctx);
      const verbs = sim
        .commands()
        .filter((c) => c.argv[0] === "kind" && ["create", "delete"].includes(c.argv[1]!))
        .map((c) => `${c.argv[1]} ${c.exit}`);
      expect(verbs).toEqual(["create 1", "delete 0", "create 0"]);
      await p.delete(ctx, { failed: false });
      noneLeft(sim, p.clusterName);
    });

    it("a deterministic image-import failure is not retried and names the engine's image store; a transient one is retried and succeeds", async () => {
      const sim = useSim({ failImageImport: [web.tag] });
      const p = await provider(sim.dir);
      const ctx = context(path.join(sim.dir, "run"));
      await p.create(ctx);
      const error = await failure(p.load([web], ctx));
      expect(error.transient).toBe(false);
      expect(describeError(error)).toContain("mismatched image rootfs and manifest layers");
      expect(error.hint).toContain("containerd image store");
      expect(error.hint).toContain("paddock doctor");
      await p.delete(ctx, { failed: false });
      noneLeft(sim, p.clusterName);

      const flaky = useSim({ flakyImageImport: [web.tag] });
      const q = await provider(flaky.dir);
      const qctx = context(path.join(flaky.dir, "run"));
      await q.create(qctx);
      const once = await failure(q.load([web], qctx));
      expect(once.transient).toBe(true);
      expect(describeError(once)).toContain("unexpected EOF");
      await q.load([web], qctx);
      await q.delete(qctx, { failed: false });
      noneLeft(flaky, q.clusterName);
    });

    it("a pod whose ConfigMap key is missing fails fast with CreateContainerConfigError and the kubelet's message", async () => {
      const sim = useSim();
      const missingKey = WEB.replace(
        "ports: [{ containerPort: 8080 }]",
        "ports: [{ containerPort: 8080 }]\n          env: [{ name: LEVEL, valueFrom: { configMapKeyRef: { name: policy-a, key: level } } }]",
      );
      const p = await provider(sim.dir, { extra: { "manifests/web.yaml": missingKey } });
      const ctx = context(path.join(sim.dir, "run"));
      await p.create(ctx);
      await p.bootstrap(ctx);
      await p.load([web], ctx);
      const started = performance.now();
      const error = await failure(p.deploy(p.options.stack.services["web"]!, new Map([["web", web]]), ctx));
      const seconds = (performance.now() - started) / 1000;
      console.log(error.message, "\n  try:", error.hint);
      expect(error.message).toMatch(/^deployment "web": CreateContainerConfigError: .*policy-a/);
      expect(error.message).toContain("level");
      expect(error.message).not.toContain("was not ready within");
      expect(error.hint).toContain("does not exist");
      // Its timeout is the default 120 s; failing fast means long before.
      expect(seconds).toBeLessThan(60);
      await p.delete(ctx, { failed: true });
      noneLeft(sim, p.clusterName);
    });

    it("`paddock gc` never reads or edits the user's kubeconfig, even when it is unusable", async () => {
      const sim = useSim({ clusterCreateSeconds: 1 });
      const env = { ...process.env, ...sim.env };
      await execa(
        "kind",
        ["create", "cluster", "--name", "pdk-demo-halfmade", "--kubeconfig", path.join(sim.dir, "scratch.kubeconfig")],
        { env },
      );
      // The user's kubeconfig names the cluster (kind wrote it there once) and is read-only.
      const userConfig = path.join(sim.home, ".kube", "config");
      mkdirSync(path.dirname(userConfig), { recursive: true });
      const text = readFileSync(path.join(sim.dir, "scratch.kubeconfig"), "utf8");
      writeFileSync(userConfig, text, { mode: 0o400 });
      const gc = await execa(process.execPath, [paddockBin, "gc", "--only", "kind"], { env, reject: false });
      expect(gc.exitCode, gc.stderr).toBe(0);
      expect(gc.stdout).toContain("deleted kind cluster pdk-demo-halfmade");
      expect(readFileSync(userConfig, "utf8")).toBe(text);
      const deletes = sim.commands().filter((c) => c.argv[0] === "kind" && c.argv[1] === "delete");
      expect(deletes).toHaveLength(1);
      const kubeconfig = deletes[0]!.argv[deletes[0]!.argv.indexOf("--kubeconfig") + 1];
      expect(kubeconfig).toBeDefined();
      expect(kubeconfig).not.toBe(userConfig);
      expect(sim.clusters()).toEqual([]);
    });
  },
);
