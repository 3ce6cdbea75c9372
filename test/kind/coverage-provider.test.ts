import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuiltImage } from "../../src/build/build-image.js";
import { DockerBuilder } from "../../src/build/docker-builder.js";
import { coverageTargets } from "../../src/coverage/runtime.js";
import { detectDockerCli } from "../../src/exec/docker-cli.js";
import { KindRunDriver } from "./driver.js";
import { WEB, writeStack, type StackOptions } from "./fixture.js";
import {
  context,
  dockerAvailable,
  dockerBin,
  indexOf,
  removeImages,
  repoRoot,
  tagImage,
  testImageWithFiles,
  useSim,
  type SimCommand,
} from "./helpers.js";

const docker = dockerAvailable();
if (!docker && process.env["CI"])
  throw new Error("the Docker engine does not answer, and CI is set: the kind coverage tests need it");
if (!docker)
  console.warn("SKIPPED test/kind/coverage-provider.test.ts: the Docker engine does not answer (`docker info` failed)");

const RUN = { runId: "kind-test-20261121-120000-c0v3", stack: "kind-test" };

const SERVER = `const http = require("node:http");
function handler(req, res) {
  if (req.url === "/healthz") return res.end("ok");
  res.statusCode = 404;
  res.end("not found");
}
const server = http.createServer(handler);
server.listen(Number(process.argv[2] || 8080));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;

/** web, as fixture.ts has it, but its process ignores SIGTERM: killed after its 1 s grace period, it writes nothing. */
const WEB_IGNORING_SIGTERM = WEB.replace(
  "ports: [{ containerPort: 8080 }]",
  `ports: [{ containerPort: 8080 }]
          command: [node, -e, "process.on('SIGTERM', () => {}); require('http').createServer((q, s) => s.end()).listen(8080)"]`,
).replace("      containers:", "      terminationGracePeriodSeconds: 1\n      containers:");

interface PodSpec {
  containers: { env?: unknown[]; volumeMounts?: unknown[] }[];
  volumes?: unknown[];
}

/** The argv without the --kubeconfig/--context every kubectl call ends with. */
const words = (c: SimCommand): string =>
  c.argv.slice(0, c.argv.indexOf("--kubeconfig") >= 0 ? c.argv.indexOf("--kubeconfig") : undefined).join(" ");

describe.skipIf(!docker)("kind provider coverage against the simulator", { timeout: 120_000 }, () => {
  let web: BuiltImage;
  beforeAll(() => {
    web = testImageWithFiles("web-cov", `c${process.pid}`, { "app/server.js": SERVER });
  });
  afterAll(() => removeImages([web.tag]));

  async function provider(
    dir: string,
    coverage: "node" | "go" = "node",
    options: StackOptions = {},
  ): Promise<KindRunDriver> {
    const stack = writeStack(dir, { coverage, ...options });
    return KindRunDriver.open(
      { stack, run: RUN, builder: new DockerBuilder(await detectDockerCli()) },
      path.join(dir, "run"),
    );
  }

  it("mounts the coverage folder, stops the services gracefully after the tests, copies data and scripts, then deletes the cluster", async () => {
    const sim = useSim();
    const p = await provider(sim.dir);
    const ctx = context(path.join(sim.dir, "run"));
    const images = new Map([["web", web]]);
    const hostRoot = path.join(sim.dir, ".paddock", "kind-coverage");

    await p.create(ctx);
    await p.bootstrap(ctx);
    await p.load([web], ctx);
    await p.deploy(p.options.stack.services["cache"]!, images, ctx);
    await p.runJob(p.options.stack.jobs["migrate"]!, images, ctx);
    await p.deploy(p.options.stack.services["web"]!, images, ctx);

    // The Kind config: the user's /coverage mount kept, Paddock's /paddock-coverage added to the node.
    const config = readFileSync(path.join(ctx.runDir, "kind-config.yaml"), "utf8");
    expect(config).toContain(`hostPath: ${hostRoot}`);
    expect(config).toContain("containerPath: /paddock-coverage");
    // Per service, world-writable on the host before the deploy (the services may run as any user).
    for (const service of ["cache", "web"])
      expect(statSync(path.join(hostRoot, RUN.runId, service)).mode & 0o7777).toBe(0o1777);
    // Rendered (cache) and manifest (web) containers alike: the variable, the mount, the hostPath under the node's mount.
    const objects = JSON.parse(
      readFileSync(path.join(sim.stateDir, "clusters", p.clusterName, "objects.json"), "utf8"),
    ) as Record<string, { spec: { template: { spec: PodSpec } } }>;
    for (const service of ["cache", "web"]) {
      const pod = objects[`apps/Deployment/app/${service}`]!.spec.template.spec;
      expect(pod.containers[0]!.env).toContainEqual({ name: "NODE_V8_COVERAGE", value: "/paddock-coverage" });
      expect(pod.containers[0]!.volumeMounts).toContainEqual({
        name: "paddock-coverage",
        mountPath: "/paddock-coverage",
      });
      expect(pod.volumes).toContainEqual({
        name: "paddock-coverage",
        hostPath: { path: `/paddock-coverage/${RUN.runId}/${service}`, type: "DirectoryOrCreate" },
      });
    }
    expect(JSON.stringify(objects["batch/Job/app/migrate"])).not.toContain("NODE_V8_COVERAGE");

    // The test command would run here; then the collect:coverage finalizer, then teardown.
    const summary = await p.collectCoverageSummary(ctx);
    await p.delete(ctx, { failed: false });

    const coverageDir = path.join(ctx.runDir, "coverage");
    for (const service of ["cache", "web"]) {
      const data = readdirSync(path.join(coverageDir, service, "data"));
      expect(data, service).toHaveLength(1);
      expect(data[0]).toMatch(/^coverage-1-\d+-0\.json$/);
      // The script the V8 data names, read from the built image on this machine.
      expect(readFileSync(path.join(coverageDir, service, "sources", "app", "server.js"), "utf8")).toBe(SERVER);
      const s = summary.services[service]!;
      expect(s.kind).toBe("node");
      expect(s.note).toBeUndefined();
      expect(s.lines?.total).toBeGreaterThan(0);
    }
    expect(summary.node?.lcov).toBe("lcov.info");
    expect(existsSync(path.join(coverageDir, "html", "index.html"))).toBe(true);
    // The run's raw folder on the host side of the mount is gone: the copies are in the run directory.
    expect(existsSync(path.join(hostRoot, RUN.runId))).toBe(false);

    // The job is not stopped (jobs do not collect); each service: scale to zero, then wait for its pods to go, then teardown.
    const commands = sim.commands();
    const at = (text: string): number => indexOf(commands, (c) => words(c) === text);
    const del = indexOf(commands, ["kind", "delete", "cluster"]);
    for (const [service, selector] of [
      ["cache", "app.kubernetes.io/name=cache,app.kubernetes.io/managed-by=paddock"],
      ["web", "app=web"],
    ] as const) {
      const scale = at(`kubectl scale deployment/${service} --replicas=0 -n app`);
      const wait = at(`kubectl wait --for=delete pod -l ${selector} -n app --timeout=60s`);
      expect(scale, service).toBeGreaterThan(at(`kubectl rollout status deployment/web -n app --timeout=300s`));
      expect(wait, service).toBeGreaterThan(scale);
      expect(del).toBeGreaterThan(wait);
    }
    expect(commands.some((c) => c.argv.includes("job/migrate") && c.argv[1] !== "wait")).toBe(false);
  });

  it("says why when a service wrote nothing (ignored SIGTERM) or never started, and still tears down", async () => {
    const sim = useSim();
    const p = await provider(sim.dir, "node", { extra: { "manifests/web.yaml": WEB_IGNORING_SIGTERM } });
    const ctx = context(path.join(sim.dir, "run"));
    const images = new Map([["web", web]]);
    await p.create(ctx);
    await p.bootstrap(ctx);
    await p.load([web], ctx);
    await p.deploy(p.options.stack.services["web"]!, images, ctx); // cache never deployed

    const summary = await p.collectCoverageSummary(ctx);
    await p.delete(ctx, { failed: true });
    expect(summary.services["cache"]!.note).toMatch(/never started/);
    expect(summary.services["web"]!.note).toMatch(
      /^no coverage data in .*kind-coverage.* after a graceful stop: does the process exit normally on SIGTERM\?/,
    );
    expect(sim.clusters()).toEqual([]);
    const commands = sim.commands();
    expect(indexOf(commands, (c) => words(c) === "kubectl scale deployment/web --replicas=0 -n app")).toBeGreaterThan(
      0,
    );
    expect(indexOf(commands, (c) => words(c).startsWith("kubectl scale deployment/cache"))).toBe(-1);
  });

  it(
    "Go: GOCOVERDIR, and the covmeta/covcounters files a -cover binary writes on SIGTERM land in the run directory",
    { timeout: 600_000 },
    async () => {
      // The example's Go notifier built with GOFLAGS=-cover (the layers the coverage suite builds too).
      const built = `paddock-test/notifier-cover:c${process.pid}`;
      execFileSync(
        dockerBin(),
        [
          "build",
          "--quiet",
          "--network",
          "host",
          "--build-arg",
          "BASE_IMAGE=paddock/debian:bookworm",
          "--build-arg",
          "GOFLAGS=-cover",
          "-t",
          built,
          path.join(repoRoot, "examples", "hybrid-stack", "services", "notifier"),
        ],
        { env: { ...process.env, DOCKER_BUILDKIT: "1" }, stdio: ["ignore", "ignore", "inherit"] },
      );
      const goImage = tagImage(built, "web-go", `c${process.pid}`);
      try {
        const sim = useSim();
        const p = await provider(sim.dir, "go", { cacheEnv: { PORT: "6379" } });
        const ctx = context(path.join(sim.dir, "run"));
        const images = new Map([["web", goImage]]);
        await p.create(ctx);
        await p.bootstrap(ctx);
        await p.load([goImage], ctx);
        await p.deploy(p.options.stack.services["cache"]!, images, ctx);
        const collected = await p.collectCoverage(
          coverageTargets(p.options.stack),
          path.join(ctx.runDir, "coverage"),
          ctx,
        );
        await p.delete(ctx, { failed: false });
        const cache = collected.find((c) => c.service === "cache")!;
        expect(cache).toMatchObject({ kind: "go", files: 2, sourcesDir: undefined, note: undefined });
        expect(readdirSync(cache.dataDir).sort()).toEqual([
          expect.stringMatching(/^covcounters\.[0-9a-f]{32}\.1\.\d+$/),
          expect.stringMatching(/^covmeta\.[0-9a-f]{32}$/),
        ]);
        // Real covdata: Go's magic numbers at the start of each file.
        const meta = readdirSync(cache.dataDir).find((f) => f.startsWith("covmeta."))!;
        expect(readFileSync(path.join(cache.dataDir, meta)).subarray(0, 4)).toEqual(
          Buffer.from([0x00, 0x63, 0x76, 0x6d]),
        );
        // The manifest service was never deployed here.
        expect(collected.find((c) => c.service === "web")).toMatchObject({ files: 0, exit: undefined });
      } finally {
        removeImages([goImage.tag, built]);
      }
    },
  );
});
