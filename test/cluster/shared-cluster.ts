/**
 * A team's shared cluster, as the cluster provider's tests and `npm run bench:cluster` use it: a
 * stand-in kind cluster (test/sim/) whose nodes pull from Debian's registry in a container (the
 * bootstrap's kind-registry step), routed the way kind's local registry guide does it; and the
 * small stack they run on it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeFiles } from "../helpers/files.js";
import { freeLocalPort } from "../helpers/ports.js";
import { CRD } from "../kind/crd.js";
import { simTestImage, dockerBinary } from "../sim/test-image.js";

/** The repository (upwards from here: this file also runs compiled, from dist/test/cluster, in bench:cluster). */
export const repoRoot = ((): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "test", "sim", "bin", "kind")) && path.dirname(dir) !== dir)
    dir = path.dirname(dir);
  return dir;
})();
export const simBin = path.join(repoRoot, "test", "sim", "bin");
export const CONTEXT = "kind-shared";

export interface SharedCluster {
  /** The registry's loopback address, 127.0.0.1:<port>. */
  address: string;
  kubeconfig: string;
  /** Deletes the cluster, the registry container and the network. */
  stop(): void;
}

/**
 * Starts the registry container and the cluster. `env` must point the stand-in at its state
 * (PATH with test/sim/bin, PADDOCK_SIM_DIR, HOME) and set KIND_EXPERIMENTAL_DOCKER_NETWORK to `network`.
 */
export async function startSharedCluster(options: {
  dir: string;
  env: NodeJS.ProcessEnv;
  network: string;
  registryName: string;
}): Promise<SharedCluster> {
  const { dir, env, network, registryName } = options;
  const address = `127.0.0.1:${await freeLocalPort()}`;
  execFileSync("bash", [path.join(repoRoot, "scripts", "engine-bootstrap.sh"), "kind-registry"], {
    env: {
      ...env,
      PADDOCK_KIND_REGISTRY_NAME: registryName,
      PADDOCK_KIND_REGISTRY_ADDR: address,
      PADDOCK_KIND_REGISTRY_DIR: mkdtempSync(path.join(os.tmpdir(), "paddock-cluster-registry-")),
    },
    stdio: "pipe",
  });
  const setup = path.join(dir, "cluster-setup");
  mkdirSync(path.join(setup, "certs.d", address), { recursive: true });
  writeFileSync(
    path.join(setup, "certs.d", address, "hosts.toml"),
    `server = "http://${address}"\n\n[host."http://${registryName}:5000"]\n  capabilities = ["pull", "resolve"]\n`,
  );
  writeFileSync(
    path.join(setup, "kind-config.yaml"),
    [
      "kind: Cluster",
      "apiVersion: kind.x-k8s.io/v1alpha4",
      "containerdConfigPatches:",
      "  - |-",
      '    [plugins."io.containerd.grpc.v1.cri".registry]',
      '      config_path = "/etc/containerd/certs.d"',
      "nodes:",
      "  - role: control-plane",
      `    extraMounts: [{ hostPath: ${path.join(setup, "certs.d")}, containerPath: /etc/containerd/certs.d }]`,
      "",
    ].join("\n"),
  );
  const kubeconfig = path.join(setup, "kubeconfig");
  const kind = (args: string[]): void => void execFileSync(path.join(simBin, "kind"), args, { env, stdio: "pipe" });
  kind([
    "create",
    "cluster",
    "--name",
    "shared",
    "--config",
    path.join(setup, "kind-config.yaml"),
    "--kubeconfig",
    kubeconfig,
  ]);
  execFileSync(dockerBinary(), ["network", "connect", network, registryName]);
  return {
    address,
    kubeconfig,
    stop: () => {
      for (const run of [
        () => kind(["delete", "clusters", "--all"]),
        () => execFileSync(dockerBinary(), ["rm", "--force", registryName], { stdio: "ignore" }),
        () => execFileSync(dockerBinary(), ["network", "rm", network], { stdio: "ignore" }),
      ])
        try {
          run();
        } catch {
          // already gone
        }
    },
  };
}

const CONFIG = `apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: app }
data: { greeting: hello }
`;

export const WEB = (namespace = "app"): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${namespace} }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: web
          env: [{ name: GREETING, valueFrom: { configMapKeyRef: { name: settings, key: greeting } } }]
          ports: [{ containerPort: 8080 }]
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: ${namespace} }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
`;

/** The tests: web answers through its port-forward with the bootstrap ConfigMap's greeting; they print the namespace. */
const TEST = `const url = process.env.PADDOCK_WEB_URL;
const body = await (await fetch(url)).json();
if (body.greeting !== "hello") throw new Error("unexpected answer " + JSON.stringify(body));
console.log("web answered in namespace " + process.env.PADDOCK_NAMESPACE);
`;

export function clusterStack(
  dir: string,
  registry: string,
  kubeconfig: string,
  options: { context?: string; web?: string; clusterExtra?: string; test?: string } = {},
): string {
  writeFiles(dir, {
    "web/Dockerfile": `FROM ${simTestImage()}\nRUN echo cluster-test > /app/which\n`,
    "crds/widgets.yaml": CRD,
    "config/settings.yaml": CONFIG,
    "manifests/web.yaml": options.web ?? WEB(),
    "tests/check.mjs": options.test ?? TEST,
    "paddock.yaml": `name: shared-test
environment:
  provider: cluster
  cluster:
    kubeconfig: ${kubeconfig}
    context: ${options.context ?? CONTEXT}
    allowContexts: [${CONTEXT}]
    registry: ${registry}/e2e
${options.clusterExtra ?? ""}  bootstrap:
    namespaces: [app]
    crds: ["crds/*.yaml"]
    manifests: ["config/*.yaml"]
images:
  web: { dockerfile: web/Dockerfile, context: web }
services:
  cache:
    image: web
    namespace: app
    command: [node, /app/server.js, "6379"]
    ports: [6379]
    ready: { tcp: 6379 }
  web:
    manifests: [manifests/web.yaml]
    images: [web]
    namespace: app
    url: "http://{host}:{port}/"
    dependsOn: [cache]
test: { command: [node, tests/check.mjs] }
`,
  });
  return dir;
}
