/**
 * For a cluster test file: whether it can run here (and the error in CI when it cannot), and a
 * shared cluster (shared-cluster.ts) started before its tests and stopped after them.
 */
import { existsSync } from "node:fs";
import { afterAll, beforeAll } from "vitest";
import { dockerAvailable, useSim, type Sim } from "../kind/helpers.js";
import { startSharedCluster, type SharedCluster } from "./shared-cluster.js";

export const clusterTestsCanRun = ((): boolean => {
  const docker = dockerAvailable();
  const registryInstalled = existsSync("/usr/bin/docker-registry");
  if (process.env["CI"] && (!docker || !registryInstalled))
    throw new Error(
      "CI is set, and the Docker engine or /usr/bin/docker-registry is missing (scripts/engine-bootstrap.sh)",
    );
  return docker && registryInstalled;
})();

export interface ClusterFixture {
  sim: Sim;
  /** The registry's loopback address, 127.0.0.1:<port>. */
  address: string;
  kubeconfig: string;
}

/** Registers beforeAll/afterAll for one shared cluster; its fields are set once beforeAll ran. */
export function useSharedCluster(name: string): ClusterFixture {
  const fixture = { address: "", kubeconfig: "" } as ClusterFixture;
  const network = `pdk-test-${name}-${process.pid}`;
  let shared: SharedCluster | undefined;
  beforeAll(async () => {
    fixture.sim = useSim({ timeScale: 0.01 });
    process.env["KIND_EXPERIMENTAL_DOCKER_NETWORK"] = network;
    shared = await startSharedCluster({
      dir: fixture.sim.dir,
      env: { ...process.env, ...fixture.sim.env },
      network,
      registryName: `pdk-test-${name}-registry-${process.pid}`,
    });
    fixture.address = shared.address;
    fixture.kubeconfig = shared.kubeconfig;
  }, 180_000);
  afterAll(() => {
    shared?.stop();
    delete process.env["KIND_EXPERIMENTAL_DOCKER_NETWORK"];
  });
  return fixture;
}
