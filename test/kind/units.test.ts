import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import type { WorkloadSpec } from "../../src/config/stack.js";
import { clusterName, MAX_CLUSTER_NAME } from "../../src/providers/kind/cluster-name.js";
import { allAlreadyPresent, dockerHubQualified } from "../../src/providers/kind/image-load.js";
import { KindConfig } from "../../src/providers/kind/kind-config.js";
import { parseObjects, type KubeObject } from "../../src/providers/kubernetes/kube-object.js";
import { defaultNamespace, imageBaseName, rewriteImages } from "../../src/providers/kubernetes/manifests.js";
import { planNodePorts } from "../../src/providers/kind/port-plan.js";
import { renderWorkload } from "../../src/providers/kubernetes/render-workload.js";

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), "paddock-kind-unit-"));

function workload(overrides: Partial<WorkloadSpec>): WorkloadSpec {
  return {
    name: "redis",
    kind: "service",
    image: { stackImage: "redis" },
    command: undefined,
    entrypoint: undefined,
    env: {},
    secretEnv: [],
    volumes: [],
    dependsOn: [],
    restartOnChange: [],
    timeoutSeconds: 60,
    manifests: [],
    images: ["redis"],
    namespace: undefined,
    ports: [],
    ready: undefined,
    url: "http://{host}:{port}",
    ...overrides,
  };
}

describe("cluster names", () => {
  it("are short, lowercase, unique per run, stable per stack with reuse", () => {
    const a = clusterName({
      stack: "SignalProcessing_E2E",
      runId: "20250101-120000-ab12",
      reuse: false,
      explicit: undefined,
    });
    const b = clusterName({
      stack: "SignalProcessing_E2E",
      runId: "20250101-120000-cd34",
      reuse: false,
      explicit: undefined,
    });
    expect(a).not.toBe(b);
    for (const n of [a, b]) {
      expect(n.length).toBeLessThanOrEqual(MAX_CLUSTER_NAME);
      expect(n).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
    }
    expect(clusterName({ stack: "kind-test", runId: "r1", reuse: false, explicit: undefined })).toBe(
      "pdk-kind-test-r1",
    );
    expect(clusterName({ stack: "kind-test", runId: "r1", reuse: true, explicit: undefined })).toBe("pdk-kind-test");
    expect(clusterName({ stack: "kind-test", runId: "r2", reuse: true, explicit: "Team-E2E" })).toBe("team-e2e");
    const long = clusterName({ stack: "a".repeat(80), runId: "r1", reuse: false, explicit: undefined });
    expect(long.length).toBeLessThanOrEqual(MAX_CLUSTER_NAME);
    expect(long).not.toBe(clusterName({ stack: `${"a".repeat(79)}b`, runId: "r1", reuse: false, explicit: undefined }));
  });
});

describe("manifest images", () => {
  const docs = parseObjects(
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: ds }
spec:
  selector: { matchLabels: { app: ds } }
  template:
    metadata: { labels: { app: ds } }
    spec:
      initContainers: [{ name: wait, image: busybox:1.36 }]
      containers:
        - { name: ds, image: datastorage }
        - { name: sidecar, image: "quay.io/kubernaut/datastorage:v1@sha256:abc" }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly }
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec: { containers: [{ name: n, image: "localhost:5000/x/migrate:dev" }] }
`,
    "test.yaml",
  );

  it("rewrites references by name to the built tags with IfNotPresent, and leaves the others", () => {
    expect(imageBaseName("localhost:5000/x/migrate:dev")).toBe("migrate");
    expect(imageBaseName("datastorage")).toBe("datastorage");
    const used = rewriteImages(
      docs,
      new Map([
        ["datastorage", "paddock/s-datastorage:k1"],
        ["migrate", "paddock/s-migrate:k2"],
      ]),
    );
    expect([...used].sort()).toEqual(["datastorage", "migrate"]);
    const text = YAML.stringify(docs);
    expect(text).toContain("image: busybox:1.36");
    expect(text.match(/image: paddock\/s-datastorage:k1\n\s+imagePullPolicy: IfNotPresent/g)).toHaveLength(2);
    expect(text).toContain("image: paddock/s-migrate:k2");
  });

  it("puts namespaced objects into the workload's namespace, not cluster-scoped ones", () => {
    const objects: KubeObject[] = [
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b", namespace: "other" } },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "c" } },
      { apiVersion: "example.com/v1", kind: "Policy", metadata: { name: "d" } },
    ];
    defaultNamespace(objects, "app", new Set(["Policy"]));
    expect(objects.map((o) => o.metadata.namespace)).toEqual(["app", "other", undefined, undefined]);
  });
});

describe("the Kind config", () => {
  it("binds published ports to 127.0.0.1 and makes mounts absolute in a copy; an explicit address stays", async () => {
    const dir = tmp();
    const file = path.join(dir, "kind.yaml");
    writeFileSync(
      file,
      `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    extraPortMappings:
      - { containerPort: 30082, hostPort: 30082 }
      - { containerPort: 30182, hostPort: 30182, listenAddress: "0.0.0.0" }
    extraMounts: [{ hostPath: ./cov, containerPath: /cov }]
`,
    );
    const config = KindConfig.load(file);
    expect(config.adjustments).toHaveLength(2);
    const written = await config.write(dir);
    expect(written).toBe(path.join(dir, "kind-config.yaml"));
    const doc = YAML.parse(readFileSync(written, "utf8")) as {
      nodes: { extraPortMappings: { listenAddress: string }[]; extraMounts: { hostPath: string }[] }[];
    };
    expect(doc.nodes[0]!.extraPortMappings.map((m) => m.listenAddress)).toEqual(["127.0.0.1", "0.0.0.0"]);
    expect(doc.nodes[0]!.extraMounts[0]!.hostPath).toBe(path.join(dir, "cov"));
  });

  it("is used as written when it needs nothing", async () => {
    const dir = tmp();
    const file = path.join(dir, "kind.yaml");
    writeFileSync(
      file,
      "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n    extraPortMappings: [{ containerPort: 30082, hostPort: 30082, listenAddress: 127.0.0.1 }]\n",
    );
    expect(await KindConfig.load(file).write(dir)).toBe(file);
  });

  it("gives rendered services NodePorts: the config's mapping for a fixed host port, else a new loopback mapping", async () => {
    const dir = tmp();
    const file = path.join(dir, "kind.yaml");
    writeFileSync(
      file,
      "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n    extraPortMappings: [{ containerPort: 30080, hostPort: 18080 }]\n",
    );
    const config = KindConfig.load(file);
    const services = [
      workload({
        name: "api",
        ports: [
          { container: 8080, host: 18080 },
          { container: 9090, host: undefined },
        ],
      }),
    ];
    const plan = await planNodePorts(services, config, new Set([32767]), true);
    expect(plan.get("api")).toEqual(
      new Map([
        [8080, 30080],
        [9090, 32766],
      ]),
    );
    expect(config.mappingFor(32766)).toEqual({
      containerPort: 32766,
      hostPort: 32766,
      listenAddress: "127.0.0.1",
      protocol: "TCP",
    });
  });
});

describe("rendering docker-style workloads", () => {
  it("renders a Deployment and a NodePort Service named like the workload, secrets in a Secret", () => {
    const rendered = renderWorkload({
      workload: workload({
        name: "datastorage",
        env: { PORT: "8080", DB_PASSWORD: "s3cret" },
        secretEnv: ["DB_PASSWORD"],
        ports: [{ container: 8080, host: undefined }],
        ready: { type: "http", port: 8080, path: "/healthz", status: undefined, intervalSeconds: 0.2 },
        command: ["node", "server.js"],
      }),
      image: "paddock/s-datastorage:k",
      namespace: "app",
      run: { runId: "r1", stack: "s" },
      nodePorts: new Map([[8080, 32767]]),
    });
    expect(rendered.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "Secret/datastorage-env",
      "Deployment/datastorage",
      "Service/datastorage",
    ]);
    const text = YAML.stringify(rendered.objects);
    expect(text).not.toMatch(/value: s3cret/);
    expect(text).toContain("secretKeyRef");
    expect(text).toContain("enableServiceLinks: false");
    expect(text).toMatch(/readinessProbe:\n\s+httpGet:\n\s+path: \/healthz\n\s+port: 8080/);
    expect(text).toMatch(/nodePort: 32767/);
    expect(text).toMatch(/args:\n\s+- node\n\s+- server.js/);
  });

  it("renders a job as a Job that runs once, with bind-mounted files as a ConfigMap", () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "001.sql"), "select 1;\n");
    const rendered = renderWorkload({
      workload: workload({
        name: "migrations",
        kind: "job",
        volumes: [{ type: "bind", source: dir, target: "/migrations", readOnly: true }],
      }),
      image: "paddock/s-postgres:k",
      namespace: "default",
      run: { runId: "r1", stack: "s" },
      nodePorts: new Map(),
    });
    const [configMap, job] = rendered.objects;
    expect(configMap).toMatchObject({ kind: "ConfigMap", data: { "001.sql": "select 1;\n" } });
    expect(job).toMatchObject({
      kind: "Job",
      spec: { backoffLimit: 0, template: { spec: { restartPolicy: "Never" } } },
    });
  });
});

describe("image loading", () => {
  it("knows when kind found every image already on the nodes", () => {
    const out =
      'Image: "a:1" with ID "sha256:1" found to be already present on all nodes.\nImage: "b:1" with ID "sha256:2" not yet present on node "n", loading...\n';
    expect(allAlreadyPresent(out, ["a:1"])).toBe(true);
    expect(allAlreadyPresent(out, ["a:1", "b:1"])).toBe(false);
  });

  it("saves podman images under their docker.io names, as the nodes resolve them", () => {
    expect(dockerHubQualified("paddock/s-web:k")).toBe("docker.io/paddock/s-web:k");
    expect(dockerHubQualified("web:k")).toBe("docker.io/web:k");
    expect(dockerHubQualified("localhost:5000/web:k")).toBe("localhost:5000/web:k");
    expect(dockerHubQualified("quay.io/x/web:k")).toBe("quay.io/x/web:k");
  });
});
