import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { dockerAvailable, indexOf, repoRoot, useSim, type Sim } from "./helpers.js";

const docker = dockerAvailable();
if (!docker && process.env["CI"]) throw new Error("the Docker engine does not answer, and CI is set: the kind CLI tests need it");
if (!docker) console.warn("SKIPPED test/kind/cli.test.ts: the Docker engine does not answer (`docker info` failed)");

const example = path.join(repoRoot, "examples", "kind-signalprocessing");
const paddock = path.join(repoRoot, "bin", "paddock.js");

/**
 * The kind example as it is — Kind config, CRDs, policies, manifests, dependencies and its real
 * images, built from the same Dockerfiles as ../hybrid-stack (so the layer cache is shared) —
 * with the layout its relative paths need. Only the test command differs: NodePort traffic goes
 * nowhere in the simulator, so it checks what tests get instead.
 */
function copyExample(sim: Sim): string {
  const root = path.join(sim.dir, "repo");
  const skip = (src: string): boolean => !src.includes(`${path.sep}.paddock`) && !src.includes(`${path.sep}coverage`) && !src.includes(`${path.sep}node_modules`);
  cpSync(example, path.join(root, "examples", "kind-signalprocessing"), { recursive: true, filter: skip });
  cpSync(path.join(repoRoot, "examples", "hybrid-stack"), path.join(root, "examples", "hybrid-stack"), { recursive: true, filter: skip });
  cpSync(path.join(repoRoot, "scripts", "engine-bootstrap.sh"), path.join(root, "scripts", "engine-bootstrap.sh"));
  const dir = path.join(root, "examples", "kind-signalprocessing");
  const stack = YAML.parse(readFileSync(path.join(dir, "paddock.yaml"), "utf8")) as Record<string, unknown>;
  stack["test"] = { command: ["node", "check-env.mjs"] };
  writeFileSync(path.join(dir, "paddock.yaml"), YAML.stringify(stack));
  writeFileSync(
    path.join(dir, "check-env.mjs"),
    `import { execFileSync } from "node:child_process";
const need = ["KUBECONFIG", "PADDOCK_DATASTORAGE_URL", "PADDOCK_SIGNALPROCESSING_URL"];
for (const key of need) if (!process.env[key]) { console.error("missing " + key); process.exit(3); }
if (process.env.PADDOCK_DATASTORAGE_URL !== "http://127.0.0.1:30082") { console.error("datastorage " + process.env.PADDOCK_DATASTORAGE_URL); process.exit(4); }
if (process.env.PADDOCK_SIGNALPROCESSING_URL !== "http://127.0.0.1:30182") { console.error("signalprocessing " + process.env.PADDOCK_SIGNALPROCESSING_URL); process.exit(5); }
// kubectl with nothing but KUBECONFIG reaches the run's cluster.
execFileSync("kubectl", ["get", "signalprocessing", "smoke", "-n", "kubernaut-system", "-o", "name"], { stdio: "inherit" });
`,
  );
  return dir;
}

async function cli(sim: Sim, cwd: string, args: string[]): Promise<{ code: number; output: string }> {
  const result = await execa(process.execPath, [paddock, ...args, ...(args[0] === "test" || args[0] === "up" ? ["--progress", "plain"] : [])], {
    cwd,
    env: { ...sim.env, FORCE_COLOR: "0", CI: "" },
    extendEnv: true,
    reject: false,
    all: true,
    // The first run may build the example's images cold (debootstrap base, apt, npm).
    timeout: 900_000,
  });
  return { code: result.exitCode ?? -1, output: String(result.all ?? "") };
}

interface ProfileTask {
  id: string;
  start: number;
  end: number;
  state: string;
}

function profileOf(dir: string): ProfileTask[] {
  const runs = path.join(dir, ".paddock", "runs");
  const run = readdirSync(runs).filter((r) => r !== "latest").sort().at(-1)!;
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
  it("paddock test: builds, creates, bootstraps, loads, deploys in dependency order, tests, deletes", { timeout: 900_000 }, async () => {
    const sim = useSim();
    const dir = copyExample(sim);
    const { code, output } = await cli(sim, dir, ["test"]);
    expect(code, output).toBe(0);
    expect(output).toContain("signalprocessing.kubernaut.ai/smoke");

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

    const commands = sim.commands();
    const create = indexOf(commands, ["kind", "create", "cluster"]);
    expect(create).toBeGreaterThanOrEqual(0);
    const loads = commands.filter((c) => c.argv[1] === "load");
    // One per image a workload runs (node-runtime and base are only built FROM).
    expect(loads).toHaveLength(4);
    for (const l of loads) expect(commands.indexOf(l)).toBeGreaterThan(create);
    // CRDs: applied in one call with the namespace, waited for once, before any workload's objects.
    const established = commands.filter((c) => c.argv.includes("--for=condition=Established"));
    expect(established).toHaveLength(1);
    expect(established[0]!.argv).toEqual(expect.arrayContaining(["crd/signalprocessings.kubernaut.ai", "crd/remediationrequests.kubernaut.ai"]));
    const firstRollout = indexOf(commands, ["kubectl", "rollout", "status"]);
    expect(commands.indexOf(established[0]!)).toBeLessThan(firstRollout);
    for (const apply of commands.filter((c) => c.argv[1] === "apply")) expect(apply.argv).toEqual(expect.arrayContaining(["--server-side", "--field-manager=paddock"]));
    expect(commands.filter((c) => c.argv[1] === "create" && c.argv[0] === "kubectl")).toHaveLength(0);
    // Migrations waited for after PostgreSQL's rollout; the controller's rollout after datastorage's.
    const rollout = (name: string): number => indexOf(commands, (c) => c.argv.slice(0, 4).join(" ") === `kubectl rollout status ${name}`);
    expect(rollout("statefulset/postgresql")).toBeLessThan(indexOf(commands, (c) => c.argv.includes("job/migrations")));
    expect(rollout("deployment/datastorage")).toBeLessThan(rollout("deployment/signalprocessing"));
    const ours = commands.filter((c) => c.argv.join(" ") !== "kind get clusters" || commands.indexOf(c) < create);
    expect(ours.at(-1)!.argv.slice(0, 3)).toEqual(["kind", "delete", "cluster"]);
    expect(sim.clusters()).toEqual([]);
    expect(existsSync(path.join(sim.home, ".kube", "config"))).toBe(false);

    // Coverage of the two `coverage: node` services: after the test command (its kubectl get is in the
    // log), each Deployment scaled to zero and its pods waited for, in its namespace, then teardown.
    before(tasks, "test", "collect:coverage");
    before(tasks, "collect:coverage", "env:delete");
    const words = (c: (typeof commands)[number]): string => c.argv.slice(0, c.argv.indexOf("--kubeconfig")).join(" ");
    const testCommand = indexOf(commands, (c) => c.argv.join(" ").startsWith("kubectl get signalprocessing smoke"));
    const teardown = indexOf(commands, ["kind", "delete", "cluster"]);
    expect(testCommand).toBeGreaterThan(0);
    for (const service of ["datastorage", "signalprocessing"]) {
      const scale = indexOf(commands, (c) => words(c) === `kubectl scale deployment/${service} --replicas=0 -n kubernaut-system`);
      const wait = indexOf(commands, (c) => words(c) === `kubectl wait --for=delete pod -l app.kubernetes.io/name=${service} -n kubernaut-system --timeout=40s`);
      expect(scale, service).toBeGreaterThan(testCommand);
      expect(wait, service).toBeGreaterThan(scale);
      expect(teardown, service).toBeGreaterThan(wait);
    }
    // Only the coverage services are stopped; PostgreSQL and Redis are left to teardown.
    expect(commands.filter((c) => c.argv[1] === "scale")).toHaveLength(2);
    // The data landed in the run directory, with the script from the built image, and was summarised.
    const runs = path.join(dir, ".paddock", "runs");
    const run = readdirSync(runs).filter((r) => r !== "latest").sort().at(-1)!;
    const coverage = path.join(runs, run, "coverage");
    const summary = JSON.parse(readFileSync(path.join(coverage, "summary.json"), "utf8")) as { services: Record<string, { note?: string; lines?: { total: number } }> };
    for (const service of ["datastorage", "signalprocessing"]) {
      expect(readdirSync(path.join(coverage, service, "data")).filter((f) => /^coverage-.*\.json$/.test(f))).toHaveLength(1);
      expect(readFileSync(path.join(coverage, service, "sources", "app", "server.js"), "utf8")).toContain("SIGTERM");
      expect(summary.services[service]?.note, service).toBeUndefined();
      expect(summary.services[service]?.lines?.total, service).toBeGreaterThan(0);
    }
    expect(existsSync(path.join(coverage, "lcov.info"))).toBe(true);
    expect(output).toMatch(/Coverage \(.*summary\.json\)/);
    // The host side of the example's /paddock-coverage mount: this run's folder removed after the copy.
    expect(existsSync(path.join(dir, "coverage", run))).toBe(false);
  });

  it("paddock plan for the kind example shows collect:coverage between the tests and teardown", { timeout: 60_000 }, async () => {
    const sim = useSim();
    const dir = copyExample(sim);
    const { code, output } = await cli(sim, dir, ["plan", "--mode", "test"]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/^\* collect:coverage .* test, /m);
    expect(output).toMatch(/^\* env:delete .*collect:coverage$/m);
  });

  it("paddock up leaves the cluster with its endpoints and KUBECONFIG; paddock down removes it", { timeout: 180_000 }, async () => {
    const sim = useSim();
    const dir = copyExample(sim);
    const up = await cli(sim, dir, ["up"]);
    expect(up.code, up.output).toBe(0);
    expect(up.output).toMatch(/datastorage\s+http:\/\/127\.0\.0\.1:30082/);
    const [cluster] = sim.clusters();
    expect(cluster).toMatch(/^pdk-kind-signalprocessing-[0-9a-f]{10}$/);
    const env = readFileSync(path.join(dir, ".paddock", "env"), "utf8");
    expect(env).toMatch(/export KUBECONFIG='.*\/\.paddock\/runs\/kind-signalprocessing-[^/]+\/kubeconfig'/);

    // The simulator's stored objects: both CRDs created before the custom resource that uses them,
    // the marker says the environment is kept on purpose.
    const objects = JSON.parse(readFileSync(path.join(sim.stateDir, "clusters", cluster!, "objects.json"), "utf8")) as Record<
      string,
      { kind: string; metadata: { labels?: Record<string, string> }; data?: Record<string, string>; _sim: { createdAt: number } }
    >;
    const crds = Object.values(objects).filter((o) => o.kind === "CustomResourceDefinition");
    expect(crds).toHaveLength(2);
    const smoke = Object.values(objects).find((o) => o.kind === "SignalProcessing")!;
    for (const crd of crds) expect(crd._sim.createdAt).toBeLessThan(smoke._sim.createdAt);
    expect(objects["/ConfigMap/kube-system/paddock-run"]?.data?.["kept"]).toBe("true");
    expect(objects["/ConfigMap/kube-system/paddock-run"]?.metadata.labels?.["dev.paddock.kept"]).toBe("true");
    expect(Object.keys(objects).filter((k) => k.includes("/ConfigMap/kubernaut-system/signalprocessing-policy-"))).toHaveLength(3);

    const down = await cli(sim, dir, ["down"]);
    expect(down.code, down.output).toBe(0);
    expect(sim.clusters()).toEqual([]);
  });

  it("paddock test with a simulated ImagePullBackOff: the root cause, the logs exported, no cluster left", { timeout: 180_000 }, async () => {
    const sim = useSim({ imagePullBackOff: ["signalprocessing"] });
    const dir = copyExample(sim);
    const { code, output } = await cli(sim, dir, ["test"]);
    expect(code, output).toBe(1);
    expect(output).toMatch(/error: deployment "signalprocessing": ImagePullBackOff: Back-off pulling image "paddock\/kind-signalprocessing-signalprocessing:/);
    expect(output).toContain("Failed to pull image");
    const runs = path.join(dir, ".paddock", "runs");
    const run = readdirSync(runs).filter((r) => r !== "latest").sort().at(-1)!;
    expect(existsSync(path.join(runs, run, "kind-logs", "kind-version.txt"))).toBe(true);
    expect(sim.clusters()).toEqual([]);
  });
});
