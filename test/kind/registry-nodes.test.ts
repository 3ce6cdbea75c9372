/**
 * Kind nodes that pull from the cache registry (environment.kind.registry), on the stand-in: a
 * real registry (Debian's, in a container that publishes a loopback port, as the bootstrap's
 * kind-registry step makes it), the nodes on their own kind network (KIND_EXPERIMENTAL_DOCKER_NETWORK,
 * which the stand-in and Paddock both read, as kind does), and pods that run what each node pulled.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideNodeRegistry } from "../../src/providers/kind/registry-route.js";
import type { ImageRegistry } from "../../src/providers/types.js";
import { freeLocalPort } from "../helpers/ports.js";
import { startPrivateRegistry } from "../exclusive/private-registry.js";
import { cli, copyExample, latestRun } from "./example.js";
import { dockerAvailable, dockerBin, repoRoot, simBin, useSim } from "./helpers.js";

const docker = dockerAvailable();
const registryInstalled = existsSync("/usr/bin/docker-registry");
if (process.env["CI"] && (!docker || !registryInstalled))
  throw new Error(
    "CI is set, and the Docker engine or /usr/bin/docker-registry is missing (scripts/engine-bootstrap.sh)",
  );

const network = `pdk-test-kindnet-${process.pid}`;
const registryName = `pdk-test-kind-registry-${process.pid}`;

/** Only the address matters to the route; publishing is what `paddock up` does for real below. */
const registryAt = (authority: string): ImageRegistry => ({
  authority,
  plainHttp: true,
  publish: () => Promise.reject(new Error("not published in this test")),
});

/** The kind example with a cache registry and `environment.kind.registry: true`. */
function exampleWithRegistry(dir: string, registry: string): string {
  const file = path.join(dir, "paddock.yaml");
  const stack = YAML.parse(readFileSync(file, "utf8")) as {
    cache?: unknown;
    environment: { kind: Record<string, unknown> };
  };
  stack.cache = { registry: `${registry}/cache` };
  stack.environment.kind["registry"] = true;
  writeFileSync(file, YAML.stringify(stack));
  return dir;
}

function kubectl(kubeconfig: string, args: string[]): string {
  return execFileSync(path.join(simBin, "kubectl"), ["--kubeconfig", kubeconfig, ...args], {
    encoding: "utf8",
    env: process.env,
  });
}

describe.skipIf(!docker || !registryInstalled)("kind nodes that pull from the cache registry (simulated kind)", () => {
  let address = "";
  const previousNetwork = process.env["KIND_EXPERIMENTAL_DOCKER_NETWORK"];

  beforeAll(async () => {
    address = `127.0.0.1:${await freeLocalPort()}`;
    process.env["KIND_EXPERIMENTAL_DOCKER_NETWORK"] = network;
    execFileSync("bash", [path.join(repoRoot, "scripts", "engine-bootstrap.sh"), "kind-registry"], {
      env: {
        ...process.env,
        PADDOCK_KIND_REGISTRY_NAME: registryName,
        PADDOCK_KIND_REGISTRY_ADDR: address,
        PADDOCK_KIND_REGISTRY_DIR: mkdtempSync(path.join(os.tmpdir(), "paddock-kind-registry-")),
      },
      stdio: "pipe",
      timeout: 60_000,
    });
  }, 90_000);

  afterAll(() => {
    if (previousNetwork === undefined) delete process.env["KIND_EXPERIMENTAL_DOCKER_NETWORK"];
    else process.env["KIND_EXPERIMENTAL_DOCKER_NETWORK"] = previousNetwork;
    for (const args of [
      ["rm", "--force", registryName],
      ["network", "rm", network],
    ])
      try {
        execFileSync(dockerBin(), args, { stdio: "ignore" });
      } catch {
        // already gone
      }
  });

  it("routes the nodes to the container that publishes a loopback registry; a host process on loopback cannot be reached", async () => {
    const signal = AbortSignal.timeout(30_000);
    const port = Number(address.split(":")[1]);
    expect(await decideNodeRegistry(registryAt(address), undefined, dockerBin(), signal)).toEqual({
      kind: "route",
      route: { authority: address, endpoint: `http://${registryName}:5000`, container: registryName },
    });
    // Nothing publishes this port: a process on the host's loopback, as far as the nodes can tell.
    const hostOnly = `127.0.0.1:${port + 1}`;
    expect(await decideNodeRegistry(registryAt(hostOnly), undefined, dockerBin(), signal)).toMatchObject({
      kind: "load",
      reason: expect.stringContaining("no container publishes it") as unknown,
    });
    expect(await decideNodeRegistry(registryAt(hostOnly), true, dockerBin(), signal)).toMatchObject({
      kind: "error",
      problem: expect.stringContaining(`the cache registry ${hostOnly} listens on this host's loopback`) as unknown,
    });
    expect(await decideNodeRegistry(undefined, true, dockerBin(), signal)).toMatchObject({ kind: "error" });
    expect(await decideNodeRegistry(registryAt(address), false, dockerBin(), signal)).toMatchObject({ kind: "load" });
  });

  it(
    "paddock up of the kind example with registry: true runs no kind load; each node pulls its images from the registry; paddock down",
    { timeout: 900_000 },
    async () => {
      const sim = useSim();
      const dir = exampleWithRegistry(copyExample(sim), address);

      const up = await cli(sim, dir, ["up"]);
      expect(up.code, up.output).toBe(0);
      expect(sim.commands().filter((c) => c.argv[0] === "kind" && c.argv[1] === "load")).toEqual([]);
      // It runs: datastorage, from the image its node pulled, reaches PostgreSQL and Redis (pulled as well).
      expect(await (await fetch("http://127.0.0.1:30082/healthz")).json()).toEqual({ postgres: "ok", redis: "ok" });

      const kubeconfig = path.join(latestRun(dir), "kubeconfig");
      const pulled = JSON.parse(kubectl(kubeconfig, ["get", "events", "-A", "-o", "json"])) as {
        items: { reason: string; message: string; involvedObject: { name: string } }[];
      };
      const podsWhose = (message: string): string[] => [
        ...new Set(
          pulled.items
            .filter((e) => e.reason === "Pulled" && e.message.startsWith(message))
            .map((e) => e.involvedObject.name.replace(/-[a-z0-9]+(-[a-z0-9]+)?$/, "")),
        ),
      ];
      expect(podsWhose(`Successfully pulled image "${address}/cache/image:`).sort()).toEqual([
        "datastorage",
        "postgresql",
        "redis",
        "signalprocessing",
      ]);
      // The migrations Job runs the postgres image, which its node pulled already for postgresql.
      expect(podsWhose(`Container image "${address}/cache/image:`)).toEqual(["migrations"]);
      const nodeImages = kubectl(kubeconfig, ["get", "nodes", "-o", "jsonpath={.items[*].status.images[*].names[*]}"]);
      expect(nodeImages).toContain(`${address}/cache/image:`);

      // The cluster says where its nodes pull from (KEP-1755), for the tools that look.
      const hosting = (
        JSON.parse(
          kubectl(kubeconfig, ["get", "configmap", "local-registry-hosting", "-n", "kube-public", "-o", "json"]),
        ) as { data: Record<string, string> }
      ).data["localRegistryHosting.v1"];
      expect(hosting).toContain(`host: "${address}"`);
      expect(hosting).toContain(`hostFromClusterNetwork: "${registryName}:5000"`);

      const down = await cli(sim, dir, ["down"]);
      expect(down.code, down.output).toBe(0);
      expect(sim.clusters()).toEqual([]);
      const hostsDirs = path.join(dir, ".paddock", "containerd-hosts");
      expect(existsSync(hostsDirs) ? readdirSync(hostsDirs) : []).toEqual([]);
    },
  );

  it(
    "registry: true with a registry that is a process on this host's loopback stops before the cluster, naming the file, the field and the fix",
    { timeout: 600_000 },
    async () => {
      const hostRegistry = await startPrivateRegistry();
      try {
        const sim = useSim();
        const dir = exampleWithRegistry(copyExample(sim), hostRegistry.address);
        const { code, output } = await cli(sim, dir, ["test"]);
        expect(code, output).toBe(1);
        expect(output).toContain(
          `paddock.yaml: environment.kind.registry: the cache registry ${hostRegistry.address} listens on this host's loopback and no container publishes it`,
        );
        expect(output).toMatch(/try: set cache\.registry .* one a container publishes/);
        expect(sim.commands().filter((c) => c.argv[0] === "kind" && c.argv[1] === "create")).toEqual([]);
        expect(sim.clusters()).toEqual([]);
      } finally {
        hostRegistry.stop();
      }
    },
  );
});
