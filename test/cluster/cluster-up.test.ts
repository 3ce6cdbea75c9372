/**
 * The cluster provider beyond one `paddock test`: an environment left up (its port-forwards go on
 * after `paddock up` returns, until `paddock down`) and a run's quota — on a stand-in cluster made
 * before the tests, as in cluster-provider.test.ts.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/wait.js";
import { cli } from "../kind/example.js";
import type { Sim } from "../kind/helpers.js";
import { clusterTestsCanRun, useSharedCluster } from "./cluster-fixture.js";
import { clusterStack } from "./shared-cluster.js";

/** Whether something answers HTTP at url. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!clusterTestsCanRun)("the cluster provider: environments left up, quotas", () => {
  const cluster = useSharedCluster("clusterup");
  let sim: Sim;
  let address = "";
  let kubeconfig = "";
  beforeAll(() => void ({ sim, address, kubeconfig } = cluster));

  it(
    "after paddock up the endpoints it printed keep answering until paddock down, which stops their port-forwards",
    { timeout: 300_000 },
    async () => {
      const dir = clusterStack(path.join(sim.dir, "up"), address, kubeconfig);
      const up = await cli(sim, dir, ["up"]);
      expect(up.code, up.output.slice(-3000)).toBe(0);
      const status = await cli(sim, dir, ["status", "--json"]);
      const [environment] = JSON.parse(status.output) as {
        status: string;
        endpoints: { service: string; url: string }[];
      }[];
      expect(environment?.status).toBe("up");
      const web = environment!.endpoints.find((e) => e.service === "web")!.url;
      // paddock up has returned: its own process and its port-forwards are gone, these are the kept ones.
      const body = (await (await fetch(web)).json()) as { greeting?: string };
      expect(body.greeting).toBe("hello");

      const down = await cli(sim, dir, ["down"]);
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

  it("paddock gc --all removes an environment left up and stops its port-forwards", { timeout: 300_000 }, async () => {
    const dir = clusterStack(path.join(sim.dir, "gc-all"), address, kubeconfig);
    const up = await cli(sim, dir, ["up"]);
    expect(up.code, up.output.slice(-3000)).toBe(0);
    const status = JSON.parse((await cli(sim, dir, ["status", "--json"])).output) as {
      endpoints: { service: string; url: string }[];
    }[];
    const web = status[0]!.endpoints.find((e) => e.service === "web")!.url;
    expect(await answers(web)).toBe(true);

    const gc = await cli(sim, dir, ["gc", "--all", "--only", "cluster"]);
    expect(gc.code, gc.output.slice(-3000)).toBe(0);
    expect(gc.output).toMatch(/deleted .*namespace pdk-/);
    await waitFor("the kept port-forward to stop", async () => !(await answers(web)), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const records = path.join(dir, ".paddock", "port-forwards");
    expect(readdirSync(records).filter((f) => f.endsWith(".json"))).toEqual([]);
  });

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
      const { code, output } = await cli(sim, dir, ["test"]);
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
      const { code, output } = await cli(sim, dir, ["test"]);
      expect(code, output.slice(-3000)).toBe(0);
      expect(output).toContain('quota {"requests.cpu":"2","requests.memory":"2Gi","pods":"10"}');
      expect(output).toContain('defaults {"cpu":"50m","memory":"64Mi"}');
    },
  );
});
