import { appendFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { leftovers, simInstance } from "../sim/test-image.js";
import { dockerAvailable, indexOf, useSim, type Sim, type SimCommand } from "./helpers.js";
import { cli, copyExample, latestRun } from "./example.js";

const docker = dockerAvailable();
if (!docker && process.env["CI"])
  throw new Error("the Docker engine does not answer, and CI is set: the kind CLI tests need it");
if (!docker) console.warn("SKIPPED test/kind/cli.test.ts: the Docker engine does not answer (`docker info` failed)");

interface CoverageSummary {
  services: Record<string, { note?: string; lines?: { total: number; covered: number } }>;
}

/** Workload → the engine's containers of its pods (the stand-in runs pods as containers), by pod name prefix. */
function podContainers(sim: Sim): Record<string, string[]> {
  const rows = execFileSync(
    "docker",
    [
      "ps",
      "--all",
      "--no-trunc",
      "--filter",
      `label=dev.paddock.sim.instance=${simInstance(sim.stateDir)}`,
      "--filter",
      "label=dev.paddock.sim.role=container",
      "--format",
      '{{.Label "dev.paddock.sim.pod"}} {{.ID}}',
    ],
    { encoding: "utf8" },
  );
  const byWorkload: Record<string, string[]> = {};
  for (const [pod = "", id = ""] of rows
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(" "))) {
    const name = pod.split("/")[1] ?? "";
    const workload = ["signalprocessing", "datastorage", "postgresql", "redis", "migrations"].find((w) =>
      name.startsWith(`${w}-`),
    );
    if (workload) (byWorkload[workload] ??= []).push(id);
  }
  for (const ids of Object.values(byWorkload)) ids.sort();
  return byWorkload;
}

function clusterOf(commands: SimCommand[]): string {
  const create = commands.find((c) => c.argv[1] === "create" && c.argv[2] === "cluster")!;
  return create.argv[create.argv.indexOf("--name") + 1]!;
}

interface ProfileTask {
  id: string;
  start: number;
  end: number;
  state: string;
}

function profileOf(dir: string): ProfileTask[] {
  const runs = path.join(dir, ".paddock", "runs");
  const run = readdirSync(runs)
    .filter((r) => r !== "latest")
    .sort()
    .at(-1)!;
  return (JSON.parse(readFileSync(path.join(runs, run, "profile.json"), "utf8")) as { tasks: ProfileTask[] }).tasks;
}

function before(tasks: ProfileTask[], first: string, then: string): void {
  const a = tasks.find((t) => t.id === first);
  const b = tasks.find((t) => t.id === then);
  expect(a, first).toBeDefined();
  expect(b, then).toBeDefined();
  expect(a!.end, `${first} ends before ${then} starts`).toBeLessThanOrEqual(b!.start);
}

describe.skipIf(!docker)("paddock test / up / down of the kind example (simulated kind)", () => {
  let fullCoverage: CoverageSummary | undefined;

  // The one run at realistic timings (timeScale 1, a 20 s cluster creation): Paddock's own timeouts and polling meet them.
  it(
    "paddock test: builds, creates, bootstraps, loads, deploys in dependency order, runs the example's own tests, collects real coverage, deletes",
    { timeout: 900_000 },
    async () => {
      const sim = useSim({ timeScale: 1, clusterCreateSeconds: 20 });
      const dir = copyExample(sim);
      const { code, output } = await cli(sim, dir, ["test"]);
      expect(code, output).toBe(0);
      // The example's tests, unchanged: NodePorts on 127.0.0.1, a signal through the controller into PostgreSQL, kubectl through KUBECONFIG.
      expect(output).toContain("ok 1 - datastorage and the controller are healthy through their NodePorts");
      expect(output).toContain("ok 2 - a processed signal is stored with its severity");
      expect(output).toMatch(/^# pass 4$/m);
      expect(output).toMatch(/^# fail 0$/m);

      const tasks = profileOf(dir);
      for (const image of ["postgres", "redis", "datastorage", "signalprocessing"]) {
        before(tasks, `build:${image}`, `load:${image}`);
        before(tasks, "env:create", `load:${image}`);
      }
      before(tasks, "env:bootstrap", "deploy:signalprocessing");
      before(tasks, "deploy:postgresql", "job:migrations");
      before(tasks, "job:migrations", "deploy:datastorage");
      before(tasks, "deploy:redis", "deploy:datastorage");
      before(tasks, "deploy:datastorage", "deploy:signalprocessing");
      before(tasks, "test", "env:delete");
      // The 20 s creation was waited for, not raced.
      const create = tasks.find((t) => t.id === "env:create")!;
      expect(create.end - create.start).toBeGreaterThanOrEqual(20);

      const commands = sim.commands();
      const createAt = indexOf(commands, ["kind", "create", "cluster"]);
      expect(createAt).toBeGreaterThanOrEqual(0);
      const loads = commands.filter((c) => c.argv[1] === "load");
      // One per image a workload runs (node-runtime and base are only built FROM).
      expect(loads).toHaveLength(4);
      for (const l of loads) expect(commands.indexOf(l)).toBeGreaterThan(createAt);
      // CRDs: applied in one call with the namespace, waited for once, before any workload's objects.
      const established = commands.filter((c) => c.argv.includes("--for=condition=Established"));
      expect(established).toHaveLength(1);
      expect(established[0]!.argv).toEqual(
        expect.arrayContaining(["crd/signalprocessings.kubernaut.ai", "crd/remediationrequests.kubernaut.ai"]),
      );
      const firstRollout = indexOf(commands, ["kubectl", "rollout", "status"]);
      expect(commands.indexOf(established[0]!)).toBeLessThan(firstRollout);
      for (const apply of commands.filter((c) => c.argv[1] === "apply"))
        expect(apply.argv).toEqual(expect.arrayContaining(["--server-side", "--field-manager=paddock"]));
      expect(commands.filter((c) => c.argv[1] === "create" && c.argv[0] === "kubectl")).toHaveLength(0);
      // Migrations waited for after PostgreSQL's rollout; the controller's rollout after datastorage's.
      const rollout = (name: string): number =>
        indexOf(commands, (c) => c.argv.slice(0, 4).join(" ") === `kubectl rollout status ${name}`);
      expect(rollout("statefulset/postgresql")).toBeLessThan(
        indexOf(commands, (c) => c.argv.includes("job/migrations")),
      );
      expect(rollout("deployment/datastorage")).toBeLessThan(rollout("deployment/signalprocessing"));
      const ours = commands.filter((c) => c.argv.join(" ") !== "kind get clusters" || commands.indexOf(c) < createAt);
      expect(ours.at(-1)!.argv.slice(0, 3)).toEqual(["kind", "delete", "cluster"]);
      expect(sim.clusters()).toEqual([]);
      expect(leftovers(clusterOf(commands), sim.stateDir)).toEqual([]);
      expect(existsSync(path.join(sim.home, ".kube", "config"))).toBe(false);

      // Coverage of the two `coverage: node` services: after the test command (its kubectl calls are in the
      // log), each Deployment scaled to zero and its pods waited for, in its namespace, then teardown.
      before(tasks, "test", "collect:coverage");
      before(tasks, "collect:coverage", "env:delete");
      const words = (c: (typeof commands)[number]): string =>
        c.argv.slice(0, c.argv.indexOf("--kubeconfig") >= 0 ? c.argv.indexOf("--kubeconfig") : undefined).join(" ");
      const testCommand = indexOf(commands, (c) => c.argv.join(" ").startsWith("kubectl get signalprocessings smoke"));
      const teardown = indexOf(commands, ["kind", "delete", "cluster"]);
      expect(testCommand).toBeGreaterThan(0);
      for (const service of ["datastorage", "signalprocessing"]) {
        const scale = indexOf(
          commands,
          (c) => words(c) === `kubectl scale deployment/${service} --replicas=0 -n kubernaut-system`,
        );
        const wait = indexOf(
          commands,
          (c) =>
            words(c) ===
            `kubectl wait --for=delete pod -l app.kubernetes.io/name=${service} -n kubernaut-system --timeout=40s`,
        );
        expect(scale, service).toBeGreaterThan(testCommand);
        expect(wait, service).toBeGreaterThan(scale);
        expect(teardown, service).toBeGreaterThan(wait);
      }
      // Only the coverage services are stopped; PostgreSQL and Redis are left to teardown.
      expect(commands.filter((c) => c.argv[1] === "scale")).toHaveLength(2);
      // What the real processes wrote on SIGTERM landed in the run directory, with the script from the built image, and was summarised.
      const run = latestRun(dir);
      const coverage = path.join(run, "coverage");
      const summary = JSON.parse(readFileSync(path.join(coverage, "summary.json"), "utf8")) as CoverageSummary;
      for (const service of ["datastorage", "signalprocessing"]) {
        expect(
          readdirSync(path.join(coverage, service, "data")).filter((f) => /^coverage-.*\.json$/.test(f)),
        ).toHaveLength(1);
        expect(readFileSync(path.join(coverage, service, "sources", "app", "server.js"), "utf8")).toContain("SIGTERM");
        expect(summary.services[service]?.note, service).toBeUndefined();
        expect(summary.services[service]?.lines?.total, service).toBeGreaterThan(0);
      }
      fullCoverage = summary;
      expect(existsSync(path.join(coverage, "lcov.info"))).toBe(true);
      expect(output).toMatch(/Coverage \(.*summary\.json\)/);
      // The host side of the example's /paddock-coverage mount: this run's folder removed after the copy.
      expect(existsSync(path.join(dir, "coverage", path.basename(run)))).toBe(false);
    },
  );

  it(
    "coverage is real: a run that only calls /healthz covers fewer lines than the full tests",
    { timeout: 600_000 },
    async () => {
      expect(fullCoverage, "the full run above").toBeDefined();
      const sim = useSim();
      const dir = copyExample(sim, { healthzOnly: true });
      const { code, output } = await cli(sim, dir, ["test"]);
      expect(code, output).toBe(0);
      const summary = JSON.parse(
        readFileSync(path.join(latestRun(dir), "coverage", "summary.json"), "utf8"),
      ) as CoverageSummary;
      for (const service of ["datastorage", "signalprocessing"]) {
        const healthz = summary.services[service]?.lines;
        const full = fullCoverage!.services[service]?.lines;
        expect(healthz?.total, service).toBe(full?.total); // the same scripts
        expect(healthz!.covered, service).toBeLessThan(full!.covered);
      }
      expect(leftovers(clusterOf(sim.commands()), sim.stateDir)).toEqual([]);
    },
  );

  it(
    "paddock plan for the kind example shows collect:coverage between the tests and teardown",
    { timeout: 60_000 },
    async () => {
      const sim = useSim();
      const dir = copyExample(sim);
      const { code, output } = await cli(sim, dir, ["plan", "--mode", "test"]);
      expect(code, output).toBe(0);
      expect(output).toMatch(/^\* collect:coverage .* test, /m);
      expect(output).toMatch(/^\* env:delete .*collect:coverage$/m);
    },
  );

  it(
    "paddock up leaves the cluster with its endpoints and KUBECONFIG; paddock down removes it",
    { timeout: 180_000 },
    async () => {
      const sim = useSim();
      const dir = copyExample(sim);
      const up = await cli(sim, dir, ["up"]);
      expect(up.code, up.output).toBe(0);
      expect(up.output).toMatch(/datastorage\s+http:\/\/127\.0\.0\.1:30082/);
      // Left up, it answers: datastorage reaches PostgreSQL and Redis.
      expect(await (await fetch("http://127.0.0.1:30082/healthz")).json()).toEqual({ postgres: "ok", redis: "ok" });
      const [cluster] = sim.clusters();
      expect(cluster).toMatch(/^pdk-kind-signalprocessing-[0-9a-f]{10}$/);
      const env = readFileSync(path.join(dir, ".paddock", "env"), "utf8");
      expect(env).toMatch(/export KUBECONFIG='.*\/\.paddock\/runs\/kind-signalprocessing-[^/]+\/kubeconfig'/);

      // The simulator's stored objects: both CRDs created before the custom resource that uses them,
      // the marker says the environment is kept on purpose.
      const objects = JSON.parse(
        readFileSync(path.join(sim.stateDir, "clusters", cluster!, "objects.json"), "utf8"),
      ) as Record<
        string,
        {
          kind: string;
          metadata: { labels?: Record<string, string> };
          data?: Record<string, string>;
          _sim: { createdAt: number };
        }
      >;
      const crds = Object.values(objects).filter((o) => o.kind === "CustomResourceDefinition");
      expect(crds).toHaveLength(2);
      const smoke = Object.values(objects).find((o) => o.kind === "SignalProcessing")!;
      for (const crd of crds) expect(crd._sim.createdAt).toBeLessThan(smoke._sim.createdAt);
      expect(objects["/ConfigMap/kube-system/paddock-run"]?.data?.["kept"]).toBe("true");
      expect(objects["/ConfigMap/kube-system/paddock-run"]?.metadata.labels?.["dev.paddock.kept"]).toBe("true");
      expect(
        Object.keys(objects).filter((k) => k.includes("/ConfigMap/kubernaut-system/signalprocessing-policy-")),
      ).toHaveLength(3);

      const down = await cli(sim, dir, ["down"]);
      expect(down.code, down.output).toBe(0);
      expect(sim.clusters()).toEqual([]);
      expect(leftovers(cluster!, sim.stateDir)).toEqual([]);
    },
  );

  it(
    "paddock up again updates in place: nothing changed applies nothing; an edit applies and rolls out only its workload",
    { timeout: 300_000 },
    async () => {
      const sim = useSim();
      const dir = copyExample(sim);
      const up = await cli(sim, dir, ["up"]);
      expect(up.code, up.output).toBe(0);
      const [cluster] = sim.clusters();
      const before = podContainers(sim);
      expect(Object.keys(before).sort()).toEqual([
        "datastorage",
        "migrations",
        "postgresql",
        "redis",
        "signalprocessing",
      ]);
      // The stand-in's stored objects: an apply that changes an object gives it a new resourceVersion.
      const versions = (): Record<string, string> => {
        const objects = JSON.parse(
          readFileSync(path.join(sim.stateDir, "clusters", cluster!, "objects.json"), "utf8"),
        ) as Record<string, { kind: string; metadata: { resourceVersion?: string } }>;
        return Object.fromEntries(
          Object.entries(objects)
            .filter(([, o]) => ["Deployment", "StatefulSet", "Job", "Service"].includes(o.kind))
            .map(([key, o]) => [key, o.metadata.resourceVersion ?? ""]),
        );
      };
      const changedObjects = (from: Record<string, string>, to: Record<string, string>): string[] =>
        Object.keys(to).filter((key) => from[key] !== to[key]);
      const versionsBefore = versions();
      const again = await cli(sim, dir, ["up"]);
      expect(again.code, again.output).toBe(0);
      expect(again.output).toContain(
        "Nothing changed: the running environment was left as it was (5 workloads unchanged)",
      );
      expect(sim.clusters()).toEqual([cluster]);
      expect(podContainers(sim)).toEqual(before);
      expect(changedObjects(versionsBefore, versions())).toEqual([]);

      appendFileSync(
        path.join(dir, "..", "hybrid-stack", "services", "processor", "server.js"),
        `\n// an edit for the update in place: ${Date.now()}\n`,
      );
      const edited = await cli(sim, dir, ["up"]);
      expect(edited.code, edited.output).toBe(0);
      expect(edited.output).toMatch(/Updated in place: updated signalprocessing; 4 unchanged/);
      expect(changedObjects(versionsBefore, versions())).toEqual(["apps/Deployment/kubernaut-system/signalprocessing"]);
      const after = podContainers(sim);
      for (const workload of ["postgresql", "redis", "datastorage", "migrations"])
        expect(after[workload], workload).toEqual(before[workload]);
      expect(after["signalprocessing"]).not.toEqual(before["signalprocessing"]);
      expect(await (await fetch("http://127.0.0.1:30182/healthz")).status).toBe(200);

      expect((await cli(sim, dir, ["down"])).code).toBe(0);
      expect(sim.clusters()).toEqual([]);
    },
  );

  it(
    "paddock test with a simulated ImagePullBackOff: the root cause, the logs exported, no cluster left",
    { timeout: 180_000 },
    async () => {
      const sim = useSim({ imagePullBackOff: ["signalprocessing"] });
      const dir = copyExample(sim);
      const { code, output } = await cli(sim, dir, ["test"]);
      expect(code, output).toBe(1);
      expect(output).toMatch(
        /error: deployment "signalprocessing": ImagePullBackOff: Back-off pulling image "paddock\/image:[0-9a-f]{32}/,
      );
      expect(output).toContain("Failed to pull image");
      const runs = path.join(dir, ".paddock", "runs");
      const run = readdirSync(runs)
        .filter((r) => r !== "latest")
        .sort()
        .at(-1)!;
      expect(existsSync(path.join(runs, run, "kind-logs", "kind-version.txt"))).toBe(true);
      expect(sim.clusters()).toEqual([]);
      expect(leftovers(clusterOf(sim.commands()), sim.stateDir)).toEqual([]);
    },
  );
});
