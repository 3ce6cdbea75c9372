/**
 * The cluster provider beyond one `paddock test`: an environment left up (its port-forwards go on
 * after `paddock up` returns, until `paddock down`) and a run's quota — on a stand-in cluster made
 * before the tests, as in cluster-provider.test.ts.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/wait.js";
import { dockerAvailable, repoRoot, useSim, type Sim } from "../kind/helpers.js";
import { clusterStack, startSharedCluster, type SharedCluster } from "./shared-cluster.js";

const docker = dockerAvailable();
const registryInstalled = existsSync("/usr/bin/docker-registry");
if (process.env["CI"] && (!docker || !registryInstalled))
  throw new Error(
    "CI is set, and the Docker engine or /usr/bin/docker-registry is missing (scripts/engine-bootstrap.sh)",
  );

const paddock = path.join(repoRoot, "bin", "paddock.js");
const network = `pdk-test-clusterup-${process.pid}`;
const registryName = `pdk-test-clusterup-registry-${process.pid}`;

async function paddockTest(
  sim: Sim,
  cwd: string,
  args: string[] = ["test"],
): Promise<{ code: number; output: string }> {
  const result = await execa(
    process.execPath,
    [paddock, ...args, ...(args[0] === "test" || args[0] === "up" ? ["--progress", "plain"] : [])],
    {
      cwd,
      env: { ...sim.env, FORCE_COLOR: "0", CI: "" },
      extendEnv: true,
      reject: false,
      all: true,
      timeout: 600_000,
    },
  );
  return { code: result.exitCode ?? -1, output: String(result.all ?? "") };
}

/** Whether something answers HTTP at url. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!docker || !registryInstalled)("the cluster provider: environments left up, quotas", () => {
  let sim: Sim;
  let address = "";
  let kubeconfig = "";
  let shared: SharedCluster | undefined;

  beforeAll(async () => {
    sim = useSim({ timeScale: 0.01 });
    process.env["KIND_EXPERIMENTAL_DOCKER_NETWORK"] = network;
    shared = await startSharedCluster({ dir: sim.dir, env: { ...process.env, ...sim.env }, network, registryName });
    address = shared.address;
    kubeconfig = shared.kubeconfig;
  }, 180_000);

  afterAll(() => {
    shared?.stop();
    delete process.env["KIND_EXPERIMENTAL_DOCKER_NETWORK"];
  });

  it(
    "after paddock up the endpoints it printed keep answering until paddock down, which stops their port-forwards",
    { timeout: 300_000 },
    async () => {
      const dir = clusterStack(path.join(sim.dir, "up"), address, kubeconfig);
      const up = await paddockTest(sim, dir, ["up"]);
      expect(up.code, up.output.slice(-3000)).toBe(0);
      const status = await paddockTest(sim, dir, ["status", "--json"]);
      const [environment] = JSON.parse(status.output) as {
        status: string;
        endpoints: { service: string; url: string }[];
      }[];
      expect(environment?.status).toBe("up");
      const web = environment!.endpoints.find((e) => e.service === "web")!.url;
      // paddock up has returned: its own process and its port-forwards are gone, these are the kept ones.
      const body = (await (await fetch(web)).json()) as { greeting?: string };
      expect(body.greeting).toBe("hello");

      const down = await paddockTest(sim, dir, ["down"]);
      expect(down.code, down.output.slice(-3000)).toBe(0);
      await waitFor("the kept port-forward to stop", async () => !(await answers(web)), {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      // What up recorded to stop is forgotten.
      const records = path.join(dir, ".paddock", "port-forwards");
      expect(readdirSync(records).filter((f) => f.endsWith(".json"))).toEqual([]);
    },
  );

  it(
    "teardown waits for the namespace as long as environment.timeout, then fails naming the pod still terminating",
    { timeout: 300_000 },
    async () => {
      // PID 1 without a SIGTERM handler (sleep) is killed only at the end of its grace period.
      const stubborn = `apiVersion: apps/v1
kind: Deployment
metadata: { name: stubborn, namespace: app }
spec:
  replicas: 1
  selector: { matchLabels: { app: stubborn } }
  template:
    metadata: { labels: { app: stubborn } }
    spec:
      terminationGracePeriodSeconds: 60
      containers: [{ name: stubborn, image: web, command: [sleep, infinity] }]
`;
      const dir = clusterStack(path.join(sim.dir, "stubborn"), address, kubeconfig, {
        web: stubborn,
        clusterExtra: "  timeout: 5s\n",
        test: 'console.log("tests passed");\n',
      });
      const { code, output } = await paddockTest(sim, dir);
      expect(code, output.slice(-3000)).not.toBe(0);
      expect(output).toContain("tests passed");
      expect(output).toMatch(
        /namespace pdk-shared-test-\S+ was not gone within 5s \(environment\.timeout\); still terminating: pod\/stubborn-[a-z0-9]+-[a-z0-9]+ \(grace period 60s\)/,
      );
    },
  );

  it(
    "cluster.quota is a ResourceQuota of the run's namespace, with default requests for containers that have none",
    {
      timeout: 300_000,
    },
    async () => {
      // The tests look at their own namespace, as a user would.
      const test = `import { execFileSync } from "node:child_process";
const get = (what) => JSON.parse(execFileSync("kubectl", ["get", what, "-n", process.env.PADDOCK_NAMESPACE, "-o", "json"], { encoding: "utf8" }));
console.log("quota " + JSON.stringify(get("resourcequota/paddock-run").spec.hard));
console.log("defaults " + JSON.stringify(get("limitrange/paddock-defaults").spec.limits[0].defaultRequest));
`;
      const dir = clusterStack(path.join(sim.dir, "quota"), address, kubeconfig, {
        clusterExtra: '    quota: { cpu: "2", memory: 2Gi, pods: 10 }\n',
        test,
      });
      const { code, output } = await paddockTest(sim, dir);
      expect(code, output.slice(-3000)).toBe(0);
      expect(output).toContain('quota {"requests.cpu":"2","requests.memory":"2Gi","pods":"10"}');
      expect(output).toContain('defaults {"cpu":"50m","memory":"64Mi"}');
    },
  );
});
