/**
 * The cluster provider on an "existing cluster": a stand-in kind cluster created before the tests
 * (as a team's shared cluster would be, its nodes routed to a registry the way kind's local
 * registry guide sets one up), the real registry in a container, and `paddock test` runs that
 * each get a namespace of their own.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/wait.js";
import { CRD } from "../kind/crd.js";
import { repoRoot, simBin, type Sim } from "../kind/helpers.js";
import { cli, copyExample, latestRun } from "../kind/example.js";
import { clusterTestsCanRun, useSharedCluster } from "./cluster-fixture.js";
import { clusterStack, CONTEXT, WEB } from "./shared-cluster.js";

const paddock = path.join(repoRoot, "bin", "paddock.js");

describe.skipIf(!clusterTestsCanRun)("the cluster provider on an existing (simulated) cluster", () => {
  const cluster = useSharedCluster("cluster");
  let sim: Sim;
  let address = "";
  let kubeconfig = "";
  beforeAll(() => void ({ sim, address, kubeconfig } = cluster));
  const kubectl = (args: string[]): string =>
    execFileSync(path.join(simBin, "kubectl"), ["--kubeconfig", kubeconfig, "--context", CONTEXT, ...args], {
      encoding: "utf8",
      env: { ...process.env, ...sim.env },
    });

  it(
    "two runs of one stack at the same time each pass in a namespace of their own; both namespaces are gone after, the shared CRD stays",
    { timeout: 600_000 },
    async () => {
      const dirs = ["ci-job-1", "ci-job-2"].map((job) => clusterStack(path.join(sim.dir, job), address, kubeconfig));
      const runs = await Promise.all(dirs.map((dir) => cli(sim, dir, ["test"])));
      for (const run of runs) expect(run.code, run.output.slice(-3000)).toBe(0);
      // Each run's summary names what it shares (whichever of the two came first installed it).
      for (const run of runs)
        expect(run.output).toMatch(
          /Shared with other runs on the cluster, never deleted: customresourcedefinition\/widgets\.example\.com \((installed by this run|installed already)\)/,
        );
      const namespaces = runs.map((run) => /web answered in namespace (\S+)/.exec(run.output)?.[1]);
      expect(namespaces[0]).toMatch(/^pdk-shared-test-/);
      expect(namespaces[1]).toMatch(/^pdk-shared-test-/);
      expect(namespaces[0]).not.toBe(namespaces[1]);
      const left = kubectl(["get", "namespaces", "-o", "jsonpath={.items[*].metadata.name}"]);
      for (const ns of namespaces) expect(left.split(" ")).not.toContain(ns);
      expect(kubectl(["get", "crd", "widgets.example.com", "-o", "name"]).trim()).toBe(
        "customresourcedefinition.apiextensions.k8s.io/widgets.example.com",
      );
      // The images went through the registry, by content key.
      const tags = (await (await fetch(`http://${address}/v2/e2e/image/tags/list`)).json()) as { tags: string[] };
      expect(tags.tags.some((t) => /^[0-9a-f]{32}$/.test(t))).toBe(true);
    },
  );

  it("a context not in allowContexts is refused before any command reaches a cluster", async () => {
    const dir = clusterStack(path.join(sim.dir, "typo"), address, kubeconfig, { context: "kind-production" });
    const before = sim.commands().length;
    const { code, output } = await cli(sim, dir, ["test"]);
    expect(code, output).toBe(1);
    expect(output).toContain(
      `environment.cluster.context: "kind-production" is not in environment.cluster.allowContexts ("${CONTEXT}"); nothing was sent to any cluster`,
    );
    expect(sim.commands().slice(before)).toEqual([]);
  });

  it("a manifest naming a namespace the stack does not declare fails before it is applied, naming the file and document", async () => {
    const dir = clusterStack(path.join(sim.dir, "foreign"), address, kubeconfig, { web: WEB("payments") });
    const { code, output } = await cli(sim, dir, ["test"]);
    expect(code, output).toBe(1);
    expect(output).toMatch(
      /manifests\/web\.yaml \(document 1, Deployment web\): namespace "payments" is not one the stack declares/,
    );
    // Nothing of web was applied: its task stopped before its one apply.
    const log = readFileSync(path.join(dir, ".paddock", "runs", "latest", "logs", "deploy-web.log"), "utf8");
    expect(log).not.toContain("serverside-applied");
  });

  it("a CRD that differs from the installed one stops the run, naming the object and the field", async () => {
    const dir = clusterStack(path.join(sim.dir, "conflict"), address, kubeconfig);
    writeFileSync(path.join(dir, "crds", "widgets.yaml"), CRD.replace("singular: widget", "singular: gadget"));
    const { code, output } = await cli(sim, dir, ["test"]);
    expect(code, output).toBe(1);
    expect(output).toContain(
      "customresourcedefinition/widgets.example.com is installed on the cluster and differs from the stack's at spec.names.singular",
    );
    expect(kubectl(["get", "crd", "widgets.example.com", "-o", "jsonpath={.spec.names.singular}"])).toBe("widget");
  });

  it(
    "a run SIGKILLed mid-deploy on a machine that vanished: paddock status and gc on another machine keep it while its heartbeat is fresh and delete it once it is stale; a fresh run elsewhere and a kept one stay",
    { timeout: 300_000 },
    async () => {
      const dir = clusterStack(path.join(sim.dir, "killed"), address, kubeconfig);
      const namespaces = (): string[] =>
        kubectl(["get", "namespaces", "-l", "dev.paddock.run", "-o", "jsonpath={.items[*].metadata.name}"])
          .split(" ")
          .filter(Boolean);
      const before = new Set(namespaces());
      const child = execa(process.execPath, [paddock, "test", "--progress", "plain"], {
        cwd: dir,
        env: { ...sim.env, FORCE_COLOR: "0", CI: "" },
        extendEnv: true,
        reject: false,
      });
      const killed = await waitFor("the run's namespace", () => namespaces().find((n) => !before.has(n)), {
        timeoutMs: 120_000,
        intervalMs: 200,
      });
      await waitFor("its first deploy", () => kubectl(["get", "deployments", "-n", killed, "-o", "name"]).trim(), {
        timeoutMs: 120_000,
        intervalMs: 100,
      });
      child.kill("SIGKILL");
      await child;
      const metadataOf = (name: string): { labels: Record<string, string>; annotations: Record<string, string> } =>
        (JSON.parse(kubectl(["get", "namespace", name, "-o", "json"])) as { metadata: never }).metadata;
      const killedRun = metadataOf(killed).labels["dev.paddock.run"]!;
      const user = metadataOf(killed).labels["dev.paddock.user"]!;
      // Its machine is gone: what this host sees is the namespace of a run of another host (ci-runner-9),
      // whose heartbeat ages from now on (shifted below, as 11 minutes passing).
      const apply = (objects: object[]): void =>
        void execFileSync(
          path.join(simBin, "kubectl"),
          [
            ...["--kubeconfig", kubeconfig, "--context", CONTEXT],
            ...["apply", "--server-side", "--field-manager=test", "--force-conflicts", "-f", "-"],
          ],
          { input: objects.map((o) => JSON.stringify(o)).join("\n---\n"), env: { ...process.env, ...sim.env } },
        );
      const heartbeat = (minutesAgo: number): Record<string, string> => ({
        "dev.paddock/heartbeat": new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      });
      apply([
        {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: killed, labels: { "dev.paddock.host": "ci-runner-9" } },
        },
      ]);
      // Runs of other machines, as their namespaces say: one whose heartbeat stopped 20 minutes ago, one beating, one kept.
      const other = (name: string, minutesAgo: number, kept = false): object => ({
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
          name,
          labels: {
            "dev.paddock.run": name,
            "dev.paddock.stack": "shared-test",
            "dev.paddock.host": "ci-runner-7",
            "dev.paddock.pid": "4242",
            "dev.paddock.user": "ci",
            ...(kept ? { "dev.paddock.kept": "true" } : {}),
          },
          annotations: heartbeat(minutesAgo),
        },
      });
      apply([other("pdk-vanished", 20), other("pdk-elsewhere", 0), other("pdk-left-up", 60, true)]);

      // Another machine: another checkout of the stack, another HOME.
      const elsewhere = clusterStack(path.join(sim.dir, "elsewhere"), address, kubeconfig);
      const home = path.join(sim.dir, "elsewhere-home");
      const paddockThere = (args: string[]) =>
        execa(process.execPath, [paddock, ...args], {
          cwd: elsewhere,
          env: { ...sim.env, HOME: home, FORCE_COLOR: "0" },
          extendEnv: true,
          reject: false,
          all: true,
        });
      const listed = await paddockThere(["status", "--json"]);
      expect(listed.exitCode, listed.all).toBe(0);
      const statusOf = Object.fromEntries(
        (JSON.parse(listed.stdout) as { runId: string; status: string }[]).map((r) => [r.runId, r.status]),
      );
      expect(statusOf).toMatchObject({
        [killedRun]: "running",
        "pdk-vanished": "crashed",
        "pdk-elsewhere": "running",
        "pdk-left-up": "up",
      });
      const text = await paddockThere(["status"]);
      expect(text.all).toMatch(
        /pdk-elsewhere {2}\(cluster, namespace pdk-elsewhere of stack shared-test, a run in progress, started \S+\): run by ci@ci-runner-7, heartbeat \d+s ago/,
      );
      expect(text.all).toMatch(/pdk-vanished .*left by a run that died.*older than 600s\); `paddock gc` removes it/);

      // Its heartbeat is fresh: gc keeps it.
      const early = await paddockThere(["gc", "--only", "cluster"]);
      expect(early.exitCode, early.all).toBe(0);
      expect(early.all).toContain(`kept namespace ${killed}: run by ${user}@ci-runner-9, heartbeat`);
      expect(early.all).toMatch(
        /deleted namespace pdk-vanished.*run by ci@ci-runner-7, heartbeat \d+s ago \(older than 600s\)/,
      );
      expect(namespaces()).toContain(killed);

      // 11 minutes later, as its heartbeat says: stale, deleted; the run elsewhere beats on (renewed) and stays.
      apply([
        { apiVersion: "v1", kind: "Namespace", metadata: { name: killed, annotations: heartbeat(11) } },
        other("pdk-elsewhere", 0),
      ]);
      const late = await paddockThere(["gc", "--only", "cluster"]);
      expect(late.exitCode, late.all).toBe(0);
      expect(late.all).toMatch(
        new RegExp(
          `deleted namespace ${killed} \\(run ${killedRun}\\): run by ${user}@ci-runner-9, heartbeat \\d+s ago \\(older than 600s\\)`,
        ),
      );
      expect(late.all).toMatch(/kept namespace pdk-elsewhere: run by ci@ci-runner-7, heartbeat \d+s ago/);
      expect(late.all).toMatch(/kept namespace pdk-left-up: left up on purpose/);
      await waitFor(
        "the dead runs' namespaces to go",
        () => {
          const left = namespaces();
          return !left.includes(killed) && !left.includes("pdk-vanished");
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      expect(namespaces()).toEqual(expect.arrayContaining(["pdk-elsewhere", "pdk-left-up"]));
      kubectl(["delete", "namespace", "pdk-elsewhere", "pdk-left-up", "--wait=false"]);
    },
  );

  it(
    "the kind example runs unchanged on provider: cluster but for its environment block: its own tests pass in the run's namespace",
    { timeout: 900_000 },
    async () => {
      const dir = copyExample(sim);
      const file = path.join(dir, "paddock.yaml");
      const example = YAML.parse(readFileSync(file, "utf8")) as { environment: Record<string, unknown> };
      const { kind: _kind, ...environment } = example.environment;
      example.environment = {
        ...environment,
        provider: "cluster",
        cluster: { kubeconfig, context: CONTEXT, allowContexts: [CONTEXT], registry: `${address}/e2e` },
      };
      writeFileSync(file, YAML.stringify(example));
      const { code, output } = await cli(sim, dir, ["test"]);
      expect(code, output.slice(-3000)).toBe(0);
      expect(output).toContain("ok 1 - datastorage and the controller are healthy through their NodePorts");
      expect(output).toContain("ok 2 - a processed signal is stored with its severity");
      expect(output).toMatch(/^# fail 0$/m);
      // Its fixed NodePorts would collide between runs on a shared cluster: ClusterIP, reached through port-forwards.
      const log = readFileSync(path.join(latestRun(dir), "logs", "deploy-datastorage.log"), "utf8");
      expect(log).toContain("service datastorage: type NodePort → ClusterIP (endpoints are port-forwards)");
      expect(log).toMatch(/datastorage: svc\/datastorage port 8080 → 127\.0\.0\.1:\d+ \(port-forward\)/);
    },
  );
});
