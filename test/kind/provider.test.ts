import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuiltImage } from "../../src/build/build-image.js";
import { DockerBuilder } from "../../src/build/docker-builder.js";
import { PodmanBuilder } from "../../src/build/podman-builder.js";
import { describeError, PaddockError } from "../../src/errors.js";
import { detectDockerCli } from "../../src/exec/docker-cli.js";
import { KindRunDriver } from "./driver.js";
import { WEB, writeStack } from "./fixture.js";
import { leftovers } from "../sim/test-image.js";
import { context, dockerAvailable, freePort, indexOf, removeImages, testImage, useSim, type Sim } from "./helpers.js";

const docker = dockerAvailable();
if (!docker && process.env["CI"])
  throw new Error(
    "the Docker engine does not answer, and CI is set: the kind provider tests need it (kind load asks it for image IDs)",
  );
if (!docker)
  console.warn(
    "SKIPPED test/kind/provider.test.ts: the Docker engine does not answer (`docker info` failed); `kind load` needs real local images",
  );

const RUN = { runId: "r1a2b3", stack: "kind-test" };

/** A run's kind environment, driven task by task; its run directory is `<dir>/<runDir>`. */
async function provider(
  dir: string,
  options: Parameters<typeof writeStack>[1] = {},
  run = RUN,
  runDir = "run",
): Promise<KindRunDriver> {
  const stack = writeStack(dir, options);
  return KindRunDriver.open(
    { stack, run: { ...run, stack: stack.name }, builder: new DockerBuilder(await detectDockerCli()) },
    path.join(dir, runDir),
  );
}

interface SimObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  _sim: { createdAt: number; owners: Record<string, string> };
}

function simObjects(sim: Sim, cluster: string): Record<string, SimObject> {
  return JSON.parse(readFileSync(path.join(sim.stateDir, "clusters", cluster, "objects.json"), "utf8")) as Record<
    string,
    SimObject
  >;
}

describe.skipIf(!docker)("kind provider against the simulator", { timeout: 120_000 }, () => {
  let web: BuiltImage;
  const tags: string[] = [];
  beforeAll(() => {
    web = testImage("web", `t${process.pid}`);
    tags.push(web.tag);
  });
  afterAll(() => removeImages(tags));

  it("creates, bootstraps, loads, deploys and deletes a cluster, in order, through the run's own kubeconfig", async () => {
    const sim = useSim();
    const webHostPort = freePort();
    const p = await provider(sim.dir, { webHostPort });
    const ctx = context(path.join(sim.dir, "run"));
    const images = new Map([["web", web]]);

    await p.create(ctx);
    const kubeconfig = path.join(ctx.runDir, "kubeconfig");
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(sim.home, ".kube", "config"))).toBe(false);
    expect(p.clusterName).toMatch(/^pdk-kind-test-r1a2b3$/);
    expect(sim.clusters()).toEqual([p.clusterName]);
    const adjusted = YAML.parse(readFileSync(path.join(ctx.runDir, "kind-config.yaml"), "utf8")) as {
      nodes: { extraPortMappings: Record<string, unknown>[]; extraMounts: Record<string, unknown>[] }[];
    };
    const mappings = adjusted.nodes[0]!.extraPortMappings;
    expect(mappings[0]).toMatchObject({ containerPort: 30082, hostPort: webHostPort, listenAddress: "127.0.0.1" });
    // The rendered cache service got a NodePort and a loopback host port of its own.
    expect(mappings[1]).toMatchObject({ containerPort: 32767, listenAddress: "127.0.0.1" });
    expect(adjusted.nodes[0]!.extraMounts[0]!["hostPath"]).toBe(path.join(sim.dir, "coverage"));

    await p.bootstrap(ctx);
    expect(await p.load([web], ctx)).toEqual({ cached: false });
    expect(await p.load([web], ctx)).toEqual({ cached: true });
    await p.deploy(p.options.stack.services["cache"]!, images, ctx);
    await p.runJob(p.options.stack.jobs["migrate"]!, images, ctx);
    await p.deploy(p.options.stack.services["web"]!, images, ctx);

    const objects = simObjects(sim, p.clusterName);
    const crd = Object.values(objects).find((o) => o.kind === "CustomResourceDefinition")!;
    const widget = Object.values(objects).find((o) => o.kind === "Widget")!;
    expect(crd._sim.createdAt).toBeLessThan(widget._sim.createdAt);
    expect(new Set(Object.values(objects).flatMap((o) => Object.values(o._sim.owners)))).toEqual(new Set(["paddock"]));
    expect(objects["apps/Deployment/app/web"]).toBeDefined();
    expect(objects["/ConfigMap/app/migrate-files-0"]).toBeDefined();

    const endpoints = p.endpoints();
    expect(endpoints.find((e) => e.service === "web")).toEqual({
      service: "web",
      containerPort: 8080,
      host: "127.0.0.1",
      port: webHostPort,
      url: `http://127.0.0.1:${webHostPort}/api`,
    });
    expect(endpoints.find((e) => e.service === "cache")).toMatchObject({ containerPort: 6379, host: "127.0.0.1" });
    // The namespace the stack names, as itself (the cluster provider maps it to the run's namespace).
    expect(p.testEnv()).toEqual({ KUBECONFIG: kubeconfig, PADDOCK_NAMESPACE_APP: "app" });
    // The endpoint answers: the NodePort, through the node's published port, to the pod.
    const res = await fetch(endpoints.find((e) => e.service === "web")!.url!);
    expect(await res.json()).toMatchObject({ port: 8080, path: "/api" });

    await p.delete(ctx, { failed: false });
    expect(sim.clusters()).toEqual([]);
    expect(leftovers(p.clusterName, sim.stateDir)).toEqual([]);
    expect(existsSync(path.join(ctx.runDir, "kind-logs"))).toBe(false);

    const commands = sim.commands();
    const create = indexOf(commands, ["kind", "create", "cluster"]);
    expect(commands[create]!.argv).toEqual(
      expect.arrayContaining([
        "--name",
        p.clusterName,
        "--config",
        path.join(ctx.runDir, "kind-config.yaml"),
        "--kubeconfig",
        kubeconfig,
        "--retain",
      ]),
    );
    expect(commands[create]!.argv).not.toContain("--wait");
    const applies = commands.filter((c) => c.argv[0] === "kubectl" && c.argv[1] === "apply");
    expect(applies.length).toBeGreaterThan(0);
    for (const a of applies)
      expect(a.argv).toEqual(
        expect.arrayContaining(["--server-side", "--field-manager=paddock", "-f", "-", "--kubeconfig", kubeconfig]),
      );
    // Bootstrap: namespaces + CRDs in one apply, the CRD waited for once, then the rest in one apply.
    const established = commands.filter((c) => c.argv.includes("--for=condition=Established"));
    expect(established).toHaveLength(1);
    expect(established[0]!.argv).toContain("crd/widgets.example.com");
    const waitAt = commands.indexOf(established[0]!);
    expect(applies.filter((a) => commands.indexOf(a) < waitAt)).toHaveLength(2); // run marker, then definitions
    const loads = commands.filter((c) => c.argv[1] === "load");
    expect(loads).toHaveLength(2);
    for (const l of loads) {
      expect(commands.indexOf(l)).toBeGreaterThan(create);
      expect(l.argv).toEqual(["kind", "load", "docker-image", web.tag, "--name", p.clusterName]);
    }
    expect(
      indexOf(commands, (c) => c.argv.join(" ").startsWith("kubectl rollout status deployment/web -n app")),
    ).toBeGreaterThan(0);
    expect(
      indexOf(commands, (c) => c.argv.join(" ").startsWith("kubectl rollout status deployment/cache -n app")),
    ).toBeGreaterThan(0);
    expect(
      indexOf(commands, (c) => c.argv.join(" ").startsWith("kubectl wait --for=condition=complete job/migrate -n app")),
    ).toBeGreaterThan(0);
    const ours = commands.filter((c) => c.argv.join(" ") !== "kind get clusters");
    expect(ours.at(-1)!.argv).toEqual([
      "kind",
      "delete",
      "cluster",
      "--name",
      p.clusterName,
      "--kubeconfig",
      kubeconfig,
    ]);
    // The readiness of the cluster is polled, not trusted to --wait.
    expect(indexOf(commands, (c) => c.argv.slice(0, 3).join(" ") === "kubectl get nodes")).toBeGreaterThan(create);
  });

  it("reports a failed cluster creation, exports the retained nodes' logs and leaves no cluster", async () => {
    const sim = useSim({ failClusterCreate: true });
    const p = await provider(sim.dir);
    const ctx = context(path.join(sim.dir, "run"));
    const error = await p.create(ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PaddockError);
    expect(describeError(error)).toContain(`kind create cluster --name ${p.clusterName} failed`);
    expect(describeError(error)).toContain("could not initialize a Kubernetes cluster");
    await p.delete(ctx, { failed: true });
    expect(existsSync(path.join(ctx.runDir, "kind-logs", `${p.clusterName}-control-plane`, "kubelet.log"))).toBe(true);
    expect(sim.clusters()).toEqual([]);
  });
});

describe.skipIf(!docker)("kind provider faults", { timeout: 120_000 }, () => {
  let web: BuiltImage;
  beforeAll(() => {
    web = testImage("web", `f${process.pid}`);
  });
  afterAll(() => removeImages([web.tag]));

  async function upTo(p: KindRunDriver, ctx: ReturnType<typeof context>): Promise<void> {
    await p.create(ctx);
    await p.bootstrap(ctx);
    await p.load([web], ctx);
  }

  async function failure(promise: Promise<unknown>): Promise<PaddockError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PaddockError);
    return error as PaddockError;
  }

  async function endsClean(sim: Sim, p: KindRunDriver, ctx: ReturnType<typeof context>): Promise<void> {
    await p.delete(ctx, { failed: true });
    expect(existsSync(path.join(ctx.runDir, "kind-logs", `${p.clusterName}-control-plane`))).toBe(true);
    expect(sim.clusters()).toEqual([]);
    expect(leftovers(p.clusterName, sim.stateDir)).toEqual([]);
  }

  it("fails fast on ImagePullBackOff, naming the deployment, the image and the events", async () => {
    const sim = useSim({ imagePullBackOff: ["web"] });
    const p = await provider(sim.dir);
    const ctx = context(path.join(sim.dir, "run"));
    await upTo(p, ctx);
    const error = await failure(p.deploy(p.options.stack.services["web"]!, new Map([["web", web]]), ctx));
    console.log(error.message, "\n  try:", error.hint);
    expect(error.message).not.toContain("was not ready within");
    expect(error.message).toMatch(/^deployment "web": ImagePullBackOff: Back-off pulling image/);
    expect(error.message).toContain(web.tag);
    expect(error.message).toMatch(/events:\n.*Failed to pull image/s);
    await endsClean(sim, p, ctx);
  });

  it("reports a failed job with its output", async () => {
    const sim = useSim();
    const p = await provider(sim.dir, {
      migrateCommand: ["sh", "-c", "echo applying 001.sql; echo 'ERROR: relation t already exists' >&2; exit 1"],
    });
    const ctx = context(path.join(sim.dir, "run"));
    await upTo(p, ctx);
    const error = await failure(p.runJob(p.options.stack.jobs["migrate"]!, new Map([["web", web]]), ctx));
    console.log(error.message, "\n  try:", error.hint);
    expect(error.message).toMatch(/^job "migrate" failed: BackoffLimitExceeded/);
    expect(error.message).toContain("ERROR: relation t already exists");
    await endsClean(sim, p, ctx);
  });

  it("reports a crash loop with the container's last log lines", async () => {
    const sim = useSim();
    const p = await provider(sim.dir, {
      cacheCommand: ["sh", "-c", "echo cache starting; echo 'fatal: cannot bind 6379' >&2; exit 1"],
    });
    const ctx = context(path.join(sim.dir, "run"));
    await upTo(p, ctx);
    const error = await failure(p.deploy(p.options.stack.services["cache"]!, new Map([["web", web]]), ctx));
    console.log(error.message, "\n  try:", error.hint);
    expect(error.message).toMatch(/^deployment "cache": CrashLoopBackOff/);
    expect(error.message).toContain("fatal: cannot bind 6379");
    await endsClean(sim, p, ctx);
  });

  it("says what was not ready when a workload's time runs out: the probe and its last result", async () => {
    // The container listens on 6380; its readiness probe (from ready: tcp 6379) knocks on 6379.
    const sim = useSim();
    const p = await provider(sim.dir, { cacheCommand: ["node", "/app/server.js", "6380"] });
    const ctx = context(path.join(sim.dir, "run"));
    await upTo(p, ctx);
    const cache = { ...p.options.stack.services["cache"]!, timeoutSeconds: 3 };
    const started = Date.now();
    const error = await failure(p.deploy(cache, new Map([["web", web]]), ctx));
    console.log(error.message, "\n  try:", error.hint);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(error.message).toMatch(
      /^service "cache" was not ready within 3s \(deployment "cache": cache-\S+ Running \(cache running\)/,
    );
    expect(error.message).toMatch(
      /events:\n(.*\n)*.*Warning Unhealthy pod\/cache-\S+: Readiness probe failed: dial tcp [\d.]+:6379: connect: connection refused/,
    );
    await endsClean(sim, p, ctx);
  });

  it("fails readiness within the timeout when a manifest's containerPort is wrong: the workload, the probe and its last result", async () => {
    // The server listens on 8080; the manifest says its port "http" is 8081, and the readiness probe asks "http".
    const wrongPort = WEB.replace(
      "ports: [{ containerPort: 8080 }]",
      "ports: [{ containerPort: 8081, name: http }]\n          readinessProbe: { httpGet: { path: /healthz, port: http }, periodSeconds: 1 }",
    );
    const sim = useSim();
    const p = await provider(sim.dir, { extra: { "manifests/web.yaml": wrongPort } });
    const ctx = context(path.join(sim.dir, "run"));
    await upTo(p, ctx);
    const service = { ...p.options.stack.services["web"]!, timeoutSeconds: 4 };
    const error = await failure(p.deploy(service, new Map([["web", web]]), ctx));
    console.log(error.message, "\n  try:", error.hint);
    expect(error.message).toMatch(
      /^service "web" was not ready within 4s \(deployment "web": web-\S+ Running \(web running\)/,
    );
    expect(error.message).toMatch(
      /Warning Unhealthy pod\/web-\S+: Readiness probe failed: Get "http:\/\/[\d.]+:8081\/healthz": dial tcp [\d.]+:8081: connect: connection refused \(x\d+\)/,
    );
    await endsClean(sim, p, ctx);
  });

  it("a manifest with an unknown field is refused as the API server refuses it, naming the field", async () => {
    const sim = useSim();
    const p = await provider(sim.dir, {
      extra: {
        "manifests/web.yaml": WEB.replace(
          "ports: [{ containerPort: 8080 }]",
          "ports: [{ containerPort: 8080 }]\n          imagePullPolcy: IfNotPresent",
        ),
      },
    });
    const ctx = context(path.join(sim.dir, "run"));
    await upTo(p, ctx);
    const error = await failure(p.deploy(p.options.stack.services["web"]!, new Map([["web", web]]), ctx));
    console.log(error.message, "\n  try:", error.hint);
    expect(describeError(error)).toContain(
      `Error from server: failed to create typed patch object (app/web; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="web"].imagePullPolcy: field not declared in schema`,
    );
    expect(error.transient).toBe(false);
    expect(sim.commands().filter((c) => c.argv[1] === "rollout")).toHaveLength(0);
    await endsClean(sim, p, ctx);
  });
});

describe.skipIf(!docker)("kind provider: existing clusters, reuse, port mappings", { timeout: 120_000 }, () => {
  let web: BuiltImage;
  beforeAll(() => {
    web = testImage("web", `e${process.pid}`);
  });
  afterAll(() => removeImages([web.tag]));

  it("reports a cluster of the same name left by a crashed run, and neither reuses nor deletes it", async () => {
    const sim = useSim();
    const first = await provider(sim.dir, {}, RUN, "run1");
    const ctx1 = context(path.join(sim.dir, "run1"));
    await first.create(ctx1);
    // The crashed run never deleted it; a new run with the same id meets it.
    const again = await provider(sim.dir, {}, RUN, "run2");
    const ctx2 = context(path.join(sim.dir, "run2"));
    const error = await again.create(ctx2).then(
      () => undefined,
      (e: unknown) => e as PaddockError,
    );
    expect(error?.message).toContain(`a kind cluster named "${again.clusterName}" already exists`);
    expect(error?.hint).toContain(`kind delete cluster --name ${again.clusterName}`);
    await again.delete(ctx2, { failed: true });
    expect(sim.clusters()).toEqual([again.clusterName]);
    expect(sim.commands().filter((c) => c.argv[1] === "create")).toHaveLength(1);
    await first.delete(ctx1, { failed: false });
    expect(sim.clusters()).toEqual([]);
  });

  it("keeps a cluster between runs with environment.reuse and reruns jobs in it", async () => {
    const sim = useSim();
    const images = new Map([["web", web]]);
    const run1 = await provider(sim.dir, { reuse: true }, { runId: "one", stack: "kind-test" }, "run1");
    const ctx1 = context(path.join(sim.dir, "run1"));
    await run1.create(ctx1);
    await run1.bootstrap(ctx1);
    await run1.load([web], ctx1);
    await run1.runJob(run1.options.stack.jobs["migrate"]!, images, ctx1);
    await run1.delete(ctx1, { failed: false });
    expect(sim.clusters()).toEqual(["pdk-kind-test"]);

    const run2 = await provider(sim.dir, { reuse: true }, { runId: "two", stack: "kind-test" }, "run2");
    expect(run2.clusterName).toBe(run1.clusterName);
    const ctx2 = context(path.join(sim.dir, "run2"));
    await run2.create(ctx2);
    await run2.bootstrap(ctx2);
    expect(await run2.load([web], ctx2)).toEqual({ cached: true });
    await run2.runJob(run2.options.stack.jobs["migrate"]!, images, ctx2);
    await run2.delete(ctx2, { failed: false });
    expect(sim.clusters()).toEqual(["pdk-kind-test"]);
    const commands = sim.commands();
    expect(commands.filter((c) => c.argv[1] === "create")).toHaveLength(1);
    expect(commands.filter((c) => c.argv[1] === "export" && c.argv[2] === "kubeconfig")).toHaveLength(1);
    expect(
      indexOf(commands, (c) => c.argv.join(" ").startsWith("kubectl delete job migrate -n app --ignore-not-found")),
    ).toBeGreaterThan(0);
    expect(existsSync(path.join(ctx2.runDir, "kubeconfig"))).toBe(true);
    expect(existsSync(path.join(sim.home, ".kube", "config"))).toBe(false);
  });

  it("says at deploy time which extraPortMappings entry a published nodePort needs", async () => {
    const sim = useSim();
    const p = await provider(sim.dir, {
      extra: { "manifests/web.yaml": WEB.replace("nodePort: 30082", "nodePort: 30999") },
    });
    const ctx = context(path.join(sim.dir, "run"));
    await p.create(ctx);
    await p.bootstrap(ctx);
    const error = await p.deploy(p.options.stack.services["web"]!, new Map([["web", web]]), ctx).then(
      () => undefined,
      (e: unknown) => e as PaddockError,
    );
    expect(error?.message).toContain(
      'service "web" publishes nodePort 30999, but the Kind config maps no host port to it',
    );
    expect(error?.hint).toContain("containerPort: 30999");
    // Nothing was applied for the workload: the error came before.
    expect(sim.commands().filter((c) => c.argv[1] === "rollout")).toHaveLength(0);
    await p.delete(ctx, { failed: true });
    expect(sim.clusters()).toEqual([]);
  });
});

const podman = spawnSync("podman", ["version", "--format", "{{.Client.Version}}"], { encoding: "utf8" }).status === 0;
if (!podman)
  console.warn(
    "SKIPPED the podman image-archive test in test/kind/provider.test.ts: podman is not installed here (not faked)",
  );

describe.skipIf(!podman || !docker)("kind provider with podman as the builder", { timeout: 120_000 }, () => {
  it("loads through a temporary archive unique to the run and removes it", async () => {
    const sim = useSim();
    const web = testImage("web", `p${process.pid}`);
    // The same small image, copied into podman's store (no fake podman).
    execFileSync("sh", ["-c", `docker save ${web.tag} | podman load`]);
    try {
      const stack = writeStack(sim.dir);
      const p = await KindRunDriver.open({ stack, run: RUN, builder: new PodmanBuilder() }, path.join(sim.dir, "run"));
      const ctx = context(path.join(sim.dir, "run"));
      await p.create(ctx);
      expect(await p.load([web], ctx)).toEqual({ cached: false });
      const loads = sim.commands().filter((c) => c.argv[1] === "load");
      expect(loads).toHaveLength(1);
      expect(loads[0]!.argv.slice(0, 3)).toEqual(["kind", "load", "image-archive"]);
      const archive = loads[0]!.argv[3]!;
      expect(path.basename(archive)).toContain(RUN.runId);
      expect(existsSync(archive)).toBe(false);
      await p.delete(ctx, { failed: false });
    } finally {
      spawnSync("podman", ["rmi", web.tag, `docker.io/${web.tag}`]);
      removeImages([web.tag]);
    }
  });
});
