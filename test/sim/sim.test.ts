// TEST SIMULATOR — not the real kind/kubectl. Contract tests for the simulator itself.
import { describe, it, expect, beforeAll } from "vitest";
import { AsyncLocalStorage } from "node:async_hooks";
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { leftovers, simTestImage } from "./test-image.js";

const BIN = path.join(import.meta.dirname, "bin");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Each test has its own simulator state (tests run concurrently): its folder, found through the async context. */
const current = new AsyncLocalStorage<{ dir: string }>();
const D = (): string => current.getStore()!.dir;
function env(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ""}`, PADDOCK_SIM_DIR: path.join(D(), "state"), HOME: D(), KUBECONFIG: "" };
}
function run(cmd: "kind" | "kubectl", args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const p = execFile(path.join(BIN, cmd), args, { env: env(), encoding: "utf8", cwd: D(), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
    p.stdin?.end(input);
  });
}
function writeSim(cfg: Record<string, unknown>): void {
  fs.mkdirSync(path.join(D(), "state"), { recursive: true });
  fs.writeFileSync(path.join(D(), "state", "sim.json"), JSON.stringify({ timeScale: 0.01, clusterCreateSeconds: 10, ...cfg }));
}
function file(name: string, text: string): string {
  const p = path.join(D(), name);
  fs.writeFileSync(p, text);
  return p;
}
async function createCluster(name = "t"): Promise<void> {
  const r = (await run("kind", ["create", "cluster", "--name", name, "--wait", "60s"]));
  expect(r.code, r.stderr).toBe(0);
}
const dockerUp = spawnSync(fs.existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker", ["info"]).status === 0;
if (!dockerUp && process.env["CI"]) throw new Error("the Docker engine does not answer, and CI is set: the simulator runs its clusters on it");
/** The test workload image (Node + a small HTTP server), loaded into the cluster. */
let IMAGE = "";
async function loadImage(cluster = "t"): Promise<void> {
  const r = (await run("kind", ["load", "docker-image", IMAGE, "--name", cluster]));
  expect(r.code, r.stderr).toBe(0);
}
function json<T>(r: Run): T {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}
/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
async function httpGet(url: string): Promise<{ status: number; body: string } | { error: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.text() };
  } catch (e) {
    return { error: String((e as Error & { cause?: unknown }).cause ?? e) };
  }
}

const NS = `apiVersion: v1
kind: Namespace
metadata:
  name: app
`;
const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Widget, plural: widgets, singular: widget }
  versions: [{ name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object } } }]
`;
const CR = `apiVersion: example.com/v1
kind: Widget
metadata: { name: w1, namespace: app }
`;
const CM = `apiVersion: v1
kind: ConfigMap
metadata: { name: cfg, namespace: app }
data: { a: "1" }
`;
const deployment = (name: string, image: string, extra = "", podExtra = ""): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: app }
spec:
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: ${name}, image: "${image}"${extra} }]${podExtra} }
`;
const job = (name: string, script: string): string => `apiVersion: batch/v1
kind: Job
metadata: { name: ${name}, namespace: app }
spec:
  backoffLimit: 0
  template:
    spec: { restartPolicy: Never, containers: [{ name: main, image: "${IMAGE}", command: [sh, -c, ${JSON.stringify(script)}] }] }
`;

beforeAll(() => {
  if (dockerUp) IMAGE = simTestImage();
});

/** A test in a fresh simulator state of its own; the clusters it made are deleted after it, also when it fails. */
function inSim(fn: () => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paddock-sim-"));
    await current.run({ dir }, async () => {
      writeSim({});
      try {
        await fn();
      } finally {
        // A failed test must not leave containers on the shared engine.
        if (fs.existsSync(path.join(dir, "state", "clusters"))) await run("kind", ["delete", "clusters", "--all"]);
      }
    });
  };
}
// Concurrent: most of a test's time is the engine starting and stopping containers (a busy engine: a generous timeout).
const OPTIONS = { concurrent: true, timeout: 120_000 };
const simIt = (name: string, fn: () => Promise<void> | void): void => it(name, OPTIONS, inSim(fn));
simIt.skipIf = (condition: boolean) => (name: string, fn: () => Promise<void> | void): void => it.skipIf(condition)(name, OPTIONS, inSim(fn));

/** A minimal docker-save style archive holding only manifest.json. */
function tarWithManifest(manifest: unknown): Buffer {
  const data = Buffer.from(JSON.stringify(manifest));
  const h = Buffer.alloc(512);
  h.write("manifest.json", 0);
  h.write("0000644\0", 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  h.write(data.length.toString(8).padStart(11, "0") + "\0", 124);
  h.write("00000000000\0", 136);
  h.write("0", 156);
  h.write("ustar\0", 257);
  h.write("00", 263);
  h.fill(" ", 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([h, data, pad, Buffer.alloc(1024)]);
}

describe("argument handling", () => {
  simIt("kind rejects unknown flags like cobra does", async () => {
    const r = (await run("kind", ["create", "cluster", "--foo"]));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("ERROR: unknown flag: --foo\n");
  });
  simIt("kubectl rejects unknown flags with a usage hint", async () => {
    const r = (await run("kubectl", ["apply", "--foo"]));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: unknown flag: --foo\nSee 'kubectl apply --help' for usage.\n");
  });
  simIt.skipIf(!dockerUp)("kubectl validates flag values", async () => {
    await createCluster();
    const r = (await run("kubectl", ["wait", "--for=delete", "pod", "-l", "a=b", "--timeout=abc"]));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`invalid argument "abc" for "--timeout" flag: time: invalid duration "abc"`);
  });
  simIt("requires PADDOCK_SIM_DIR", () => {
    const r = spawnSync(path.join(BIN, "kind"), ["version"], { env: { PATH: process.env.PATH }, encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("PADDOCK_SIM_DIR");
  });
  simIt("prints versions", async () => {
    expect((await run("kind", ["version"])).stdout).toBe("kind v0.24.0 go1.22.6 linux/amd64\n");
    const v = JSON.parse((await run("kubectl", ["version", "--client", "-o", "json"])).stdout) as { clientVersion: { gitVersion: string } };
    expect(v.clientVersion.gitVersion).toBe("v1.31.0");
  });
});

describe.skipIf(!dockerUp)("kind clusters", () => {
  simIt("creates, refuses duplicates, lists and deletes", async () => {
    const c = (await run("kind", ["create", "cluster", "--name", "one"]));
    expect(c.code).toBe(0);
    expect(c.stdout).toBe("");
    expect(c.stderr).toContain(`Creating cluster "one" ...`);
    expect(c.stderr).toContain(" ✓ Ensuring node image (kindest/node:v1.31.0) 🖼");
    expect(c.stderr).toContain(`Set kubectl context to "kind-one"`);
    const kc = fs.readFileSync(path.join(D(), ".kube", "config"), "utf8");
    expect(kc).toMatch(/server: https:\/\/127\.0\.0\.1:\d+/);
    expect(kc).toContain("current-context: kind-one");

    const dup = (await run("kind", ["create", "cluster", "--name", "one"]));
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe(`ERROR: failed to create cluster: node(s) already exist for a cluster with the name "one"\n`);

    expect((await run("kind", ["get", "clusters"])).stdout).toBe("one\n");
    expect((await run("kind", ["get", "nodes", "--name", "one"])).stdout).toBe("one-control-plane\n");
    const nodes = JSON.parse((await run("kubectl", ["get", "nodes", "-o", "json"])).stdout) as { items: { status: { conditions: { type: string; status: string }[] } }[] };
    expect(nodes.items[0]?.status.conditions.find((x) => x.type === "Ready")?.status).toBe("True");

    const d = (await run("kind", ["delete", "cluster", "--name", "one"]));
    expect(d.code).toBe(0);
    expect(d.stderr).toContain(`Deleting cluster "one" ...`);
    const gone = (await run("kubectl", ["--context", "kind-one", "get", "pods"]));
    expect(gone.code).toBe(1);
    const none = (await run("kind", ["get", "clusters"]));
    expect(none.stdout).toBe("");
    expect(none.stderr).toBe("No kind clusters found.\n");
    expect((await run("kind", ["delete", "cluster", "--name", "absent"])).code).toBe(0);
  });
  simIt("refuses kubectl when the kubeconfig points nowhere", async () => {
    const r = (await run("kubectl", ["get", "pods"]));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("The connection to the server localhost:8080 was refused - did you specify the right host or port?\n");
  });
  simIt("validates the kind config", async () => {
    const bad = file("kind.yaml", "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha9\n");
    const r = (await run("kind", ["create", "cluster", "--config", bad]));
    expect(r.stderr).toBe("ERROR: failed to create cluster: unknown apiVersion: kind.x-k8s.io/v1alpha9\n");
    const role = file("kind2.yaml", "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: master\n");
    const r2 = (await run("kind", ["create", "cluster", "--config", role]));
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`"master" is not a valid node role`);
    const ok = file("kind3.yaml", "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n  extraPortMappings: [{containerPort: 30080, hostPort: 8080}]\n- role: worker\n");
    expect((await run("kind", ["create", "cluster", "--name", "multi", "--config", ok])).code).toBe(0);
    expect((await run("kind", ["get", "nodes", "--name", "multi"])).stdout).toBe("multi-control-plane\nmulti-worker\n");
  });
  simIt("fails creation when configured and leaves no cluster", async () => {
    writeSim({ failClusterCreate: true });
    const r = (await run("kind", ["create", "cluster", "--name", "f"]));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(" ✗ Starting control-plane");
    expect(r.stderr).toContain("ERROR: failed to create cluster: failed to init node with kubeadm");
    expect((await run("kind", ["get", "clusters"])).stdout).toBe("");
  });
});

describe.skipIf(!dockerUp)("kubectl apply", () => {
  simIt("reports missing namespaces and CRDs, then is idempotent", async () => {
    await createCluster();
    const cm = file("cm.yaml", CM);
    const r1 = (await run("kubectl", ["apply", "--server-side", "-f", cm]));
    expect(r1.code).toBe(1);
    expect(r1.stderr).toBe(`Error from server (NotFound): namespaces "app" not found\n`);

    const all = file("all.yaml", [NS, CRD, CR, CM].join("---\n"));
    const r2 = (await run("kubectl", ["apply", "--server-side", "-f", all]));
    expect(r2.code).toBe(1);
    expect(r2.stdout).toContain("namespace/app serverside-applied\n");
    expect(r2.stdout).toContain("configmap/cfg serverside-applied\n");
    expect(r2.stderr).toContain(`no matches for kind "Widget" in version "example.com/v1"\nensure CRDs are installed first`);

    const w = (await run("kubectl", ["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=30s"]));
    expect(w.stdout).toBe("customresourcedefinition.apiextensions.k8s.io/widgets.example.com condition met\n");
    const r3 = (await run("kubectl", ["apply", "--server-side", "-f", "-"], [NS, CRD, CR, CM].join("---\n")));
    expect(r3.code).toBe(0);
    expect(r3.stdout).toContain("widget.example.com/w1 serverside-applied\n");
    expect((await run("kubectl", ["apply", "--server-side", "-f", all])).code).toBe(0);

    const c = (await run("kubectl", ["create", "-f", cm]));
    expect(c.code).toBe(1);
    expect(c.stderr).toBe(`Error from server (AlreadyExists): error when creating "${cm}": configmaps "cfg" already exists\n`);
  });
  simIt("keeps dotted label keys as keys when server-side apply updates an object", async () => {
    await createCluster();
    const labelled = (value: string): string =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: marker\n  namespace: default\n  labels:\n    dev.paddock.kept: "${value}"\ndata:\n  k: v\n`;
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], labelled("false"))).code).toBe(0);
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], labelled("true"))).code).toBe(0);
    const got = JSON.parse((await run("kubectl", ["get", "configmap", "marker", "-n", "default", "-o", "json"])).stdout) as { metadata: { labels: Record<string, unknown> } };
    expect(got.metadata.labels).toEqual({ "dev.paddock.kept": "true" });
  });

  simIt("detects field-manager conflicts after kubectl scale", async () => {
    await createCluster();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    const d = file("d.yaml", deployment("web", "registry.k8s.io/pause:3.9"));
    expect((await run("kubectl", ["apply", "--server-side", "--field-manager", "paddock", "-f", d])).code).toBe(0);
    expect((await run("kubectl", ["scale", "deployment/web", "--replicas=0", "-n", "app"])).stdout).toBe("deployment.apps/web scaled\n");
    const r = (await run("kubectl", ["apply", "--server-side", "--field-manager", "paddock", "-f", d]));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas`);
    expect((await run("kubectl", ["apply", "--server-side", "--force-conflicts", "--field-manager", "paddock", "-f", d])).code).toBe(0);
  });
});

describe.skipIf(!dockerUp)("workloads run as real containers", () => {
  simIt("rollout status waits for the real readiness probe and times out when it never passes", async () => {
    await createCluster();
    await loadImage();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    const probe = (port: number): string => `, ports: [{ containerPort: 8080, name: http }], readinessProbe: { httpGet: { path: /healthz, port: ${port} }, periodSeconds: 1 }`;
    const docs = [deployment("fast", IMAGE, probe(8080)), deployment("slow", IMAGE, probe(8081))].join("---\n");
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], docs)).code).toBe(0);
    const ok = (await run("kubectl", ["rollout", "status", "deployment/fast", "-n", "app", "--timeout=60s"]));
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/deployment "fast" successfully rolled out\n$/);
    const t0 = Date.now();
    const slow = (await run("kubectl", ["rollout", "status", "deployment/slow", "-n", "app", "--timeout=3s"]));
    expect(slow.code).toBe(1);
    expect(slow.stdout).toContain(`Waiting for deployment "slow" rollout to finish: 0 of 1 updated replicas are available...`);
    expect(slow.stderr).toBe("error: timed out waiting for the condition\n");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3000); // --timeout is real time: what it waits for is real
    const events = json<{ items: { reason: string; message: string; involvedObject: { name: string } }[] }>((await run("kubectl", ["get", "events", "-n", "app", "-o", "json"])));
    const unhealthy = events.items.filter((e) => e.reason === "Unhealthy" && e.involvedObject.name.startsWith("slow-"));
    expect(unhealthy[0]?.message).toMatch(/^Readiness probe failed: Get "http:\/\/[\d.]+:8081\/healthz": dial tcp [\d.]+:8081: connect: connection refused$/);
    const dep = json<{ status: { availableReplicas: number } }>((await run("kubectl", ["get", "deployment", "fast", "-n", "app", "-o", "json"])));
    expect(dep.status.availableReplicas).toBe(1);
  });

  simIt("shows ImagePullBackOff for images that were never loaded", async () => {
    await createCluster();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], deployment("sp", "localhost/kubernaut/signalprocessing:dev"))).code).toBe(0);
    type Pods = { items: { status: { containerStatuses: { state: { waiting?: { reason: string } } }[] } }[] };
    await until("ImagePullBackOff", async () => {
      const pods = JSON.parse((await run("kubectl", ["get", "pods", "-n", "app", "-l", "app=sp", "-o", "json"])).stdout) as Pods;
      return pods.items[0]?.status.containerStatuses[0]?.state.waiting?.reason === "ImagePullBackOff" ? true : undefined;
    });
    const ev = json<{ items: { reason: string; message: string }[] }>((await run("kubectl", ["get", "events", "-n", "app", "-o", "json"])));
    expect(ev.items.some((e) => e.reason === "Failed" && e.message.startsWith(`Failed to pull image "localhost/kubernaut/signalprocessing:dev"`))).toBe(true);
    expect(ev.items.some((e) => e.reason === "BackOff")).toBe(true);
    const logs = (await run("kubectl", ["logs", "deployment/sp", "-n", "app"]));
    expect(logs.code).toBe(1);
    expect(logs.stderr).toContain("is waiting to start: trying and failing to pull image");
  });

  simIt("a Job's result is its container's exit code; kubectl logs returns its output", async () => {
    await createCluster();
    await loadImage();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    const jobs = [job("migrations", "echo migrating; echo 'no such table' >&2; exit 3"), job("seed", "echo seeded")].join("---\n");
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], jobs)).code).toBe(0);
    expect((await run("kubectl", ["wait", "--for=condition=complete", "job/seed", "-n", "app", "--timeout=30s"])).code).toBe(0);
    expect((await run("kubectl", ["wait", "--for=condition=failed", "job/migrations", "-n", "app", "--timeout=30s"])).code).toBe(0);
    const j = json<{ status: { failed: number; conditions: { type: string; reason: string }[] } }>((await run("kubectl", ["get", "job", "migrations", "-n", "app", "-o", "json"])));
    expect(j.status.failed).toBe(1);
    expect(j.status.conditions.find((c) => c.type === "Failed")?.reason).toBe("BackoffLimitExceeded");
    const pods = json<{ items: { status: { containerStatuses: { state: { terminated?: { exitCode: number; reason: string } } }[] } }[] }>((await run("kubectl", ["get", "pods", "-n", "app", "-l", "job-name=migrations", "-o", "json"])));
    expect(pods.items[0]?.status.containerStatuses[0]?.state.terminated).toMatchObject({ exitCode: 3, reason: "Error" });
    const out = (await run("kubectl", ["logs", "job/migrations", "-n", "app"])).stdout;
    expect(out).toContain("migrating\n"); // stdout and stderr, both
    expect(out).toContain("no such table\n");
    expect((await run("kubectl", ["logs", "job/seed", "-n", "app"])).stdout).toBe("seeded\n");
  });

  simIt("a container that exits is restarted, then CrashLoopBackOff; logs --previous shows the last run", async () => {
    await createCluster();
    await loadImage();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    await run("kubectl", ["apply", "--server-side", "-f", "-"], deployment("crashy", IMAGE, `, command: [sh, -c, "echo starting; exit 2"]`));
    type Pods = { items: { metadata: { name: string }; status: { phase: string; containerStatuses: { restartCount: number; state: { waiting?: { reason: string } }; lastState?: { terminated?: { exitCode: number } } }[] } }[] };
    const pod = await until("CrashLoopBackOff", async () => {
      const p = (JSON.parse((await run("kubectl", ["get", "pods", "-n", "app", "-l", "app=crashy", "-o", "json"])).stdout) as Pods).items[0];
      return p?.status.containerStatuses[0]?.state.waiting?.reason === "CrashLoopBackOff" ? p : undefined;
    });
    expect(pod.status.phase).toBe("Running");
    expect(pod.status.containerStatuses[0]?.restartCount).toBeGreaterThanOrEqual(1);
    expect(pod.status.containerStatuses[0]?.lastState?.terminated?.exitCode).toBe(2);
    expect((await run("kubectl", ["logs", pod.metadata.name, "-n", "app", "--previous"])).stdout).toBe("starting\n");
  });

  simIt("scales to zero and waits for deletion", async () => {
    await createCluster();
    await loadImage();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    await run("kubectl", ["apply", "--server-side", "-f", "-"], deployment("web", IMAGE));
    expect((await run("kubectl", ["rollout", "status", "deployment/web", "-n", "app", "--timeout=30s"])).code).toBe(0);
    await run("kubectl", ["scale", "deployment/web", "--replicas=0", "-n", "app"]);
    expect((await run("kubectl", ["wait", "--for=delete", "pod", "-l", "app=web", "-n", "app", "--timeout=30s"])).code).toBe(0);
    expect(JSON.parse((await run("kubectl", ["get", "pods", "-n", "app", "-o", "json"])).stdout)).toEqual({ apiVersion: "v1", items: [], kind: "List", metadata: { resourceVersion: "" } });
    const nf = (await run("kubectl", ["delete", "configmap", "nope", "-n", "app"]));
    expect(nf.stderr).toBe(`Error from server (NotFound): configmaps "nope" not found\n`);
    expect((await run("kubectl", ["delete", "configmap", "nope", "-n", "app", "--ignore-not-found"])).code).toBe(0);
  });
});

describe.skipIf(!dockerUp)("pod specs, networking and coverage for real", () => {
  async function clusterWithConfig(config: string): Promise<void> {
    const cfg = file("kind.yaml", `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n${config}`);
    const r = (await run("kind", ["create", "cluster", "--name", "t", "--config", cfg, "--wait", "60s"]));
    expect(r.code, r.stderr).toBe(0);
    await loadImage();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
  }

  simIt("runs the container with its command, args, env (literal, ConfigMap, Secret, $(VAR)), working dir, user and volumes", async () => {
    const host = path.join(D(), "hostdata");
    fs.mkdirSync(path.join(host, "in"), { recursive: true });
    fs.writeFileSync(path.join(host, "in", "marker"), "from the host\n");
    await clusterWithConfig(`    extraMounts: [{ hostPath: ${host}, containerPath: /data }]\n`);
    const docs = `apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: app }
data: { greeting: hello, app.conf: "mode=test" }
---
apiVersion: v1
kind: Secret
metadata: { name: creds, namespace: app }
stringData: { password: s3cret }
---
apiVersion: batch/v1
kind: Job
metadata: { name: show, namespace: app }
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: main
          image: "${IMAGE}"
          command: [sh, -c]
          args: ["echo \\"$(GREETING_COPY) $GREETING $PASSWORD $LITERAL\\"; pwd; id -u; cat /etc/settings/app.conf; echo; cat /host/marker; echo shared > /scratch/x && cat /scratch/x"]
          workingDir: /tmp
          securityContext: { runAsUser: 1234 }
          env:
            - { name: LITERAL, value: plain }
            - { name: GREETING, valueFrom: { configMapKeyRef: { name: settings, key: greeting } } }
            - { name: PASSWORD, valueFrom: { secretKeyRef: { name: creds, key: password } } }
            - { name: GREETING_COPY, value: "$(GREETING)!" }
          volumeMounts: [{ name: settings, mountPath: /etc/settings }, { name: scratch, mountPath: /scratch }, { name: host, mountPath: /host, readOnly: true }]
      volumes: [{ name: settings, configMap: { name: settings } }, { name: scratch, emptyDir: {} }, { name: host, hostPath: { path: /data/in, type: Directory } }]
`;
    const a = (await run("kubectl", ["apply", "--server-side", "-f", "-"], docs));
    expect(a.code, a.stderr).toBe(0);
    const w = (await run("kubectl", ["wait", "--for=condition=complete", "job/show", "-n", "app", "--timeout=30s"]));
    expect(w.code, (await run("kubectl", ["logs", "job/show", "-n", "app"])).stdout).toBe(0);
    expect((await run("kubectl", ["logs", "job/show", "-n", "app"])).stdout).toBe("hello! hello s3cret plain\n/tmp\n1234\nmode=test\nfrom the host\nshared\n");
  });

  simIt("Services resolve by name between pods; a NodePort answers on 127.0.0.1 at its mapped hostPort, an unmapped one nowhere", async () => {
    const hostPort = await freePort();
    await clusterWithConfig(`    extraPortMappings: [{ containerPort: 30080, hostPort: ${hostPort} }]\n`);
    const svc = (name: string, nodePort: number): string => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: app }
spec: { type: NodePort, selector: { app: web }, ports: [{ port: 80, targetPort: http, nodePort: ${nodePort} }] }
`;
    const docs = [deployment("web", IMAGE, ", ports: [{ containerPort: 8080, name: http }]"), svc("web", 30080), svc("hidden", 30081)].join("---\n");
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], docs)).code).toBe(0);
    expect((await run("kubectl", ["rollout", "status", "deployment/web", "-n", "app", "--timeout=30s"])).code).toBe(0);
    const fetches = ["web", "web.app", "web.app.svc.cluster.local"].map((h) => `fetch("http://${h}/from-pod").then((r) => r.json()).then((b) => console.log("${h}", b.port, b.path))`).join(";");
    const client = job("client", `node -e '${fetches}'`);
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], client)).code).toBe(0);
    expect((await run("kubectl", ["wait", "--for=condition=complete", "job/client", "-n", "app", "--timeout=30s"])).code, (await run("kubectl", ["logs", "job/client", "-n", "app"])).stdout).toBe(0);
    expect((await run("kubectl", ["logs", "job/client", "-n", "app"])).stdout.split("\n").sort().filter(Boolean)).toEqual(["web 8080 /from-pod", "web.app 8080 /from-pod", "web.app.svc.cluster.local 8080 /from-pod"]);
    const fromHost = await httpGet(`http://127.0.0.1:${hostPort}/from-host`);
    expect(fromHost).toMatchObject({ status: 200 });
    expect(JSON.parse((fromHost as { body: string }).body)).toMatchObject({ port: 8080, path: "/from-host" });
    expect(await httpGet("http://127.0.0.1:30081/")).toHaveProperty("error");
    const node = JSON.parse(spawnSync("docker", ["inspect", ...leftovers("t", path.join(D(), "state")).filter((l) => l.endsWith("--t-control-plane")).map((l) => l.split(" ")[1]!)], { encoding: "utf8" }).stdout) as { HostConfig: { PortBindings: Record<string, { HostIp: string }[]> } }[];
    expect(Object.values(node[0]!.HostConfig.PortBindings).flat().map((b) => b.HostIp)).toEqual(["127.0.0.1"]);
  });

  simIt("a graceful stop lets Node write real V8 coverage through the hostPath and the node's extraMount; not for an emptyDir, not when killed", async () => {
    const host = path.join(D(), "hostcov");
    fs.mkdirSync(host, { mode: 0o777 });
    fs.chmodSync(host, 0o777);
    await clusterWithConfig(`    extraMounts: [{ hostPath: ${host}, containerPath: /paddock-coverage }]\n`);
    const withCoverage = (name: string, volume: string, extra = ""): string =>
      deployment(name, IMAGE, `${extra}, env: [{ name: NODE_V8_COVERAGE, value: /cov }], volumeMounts: [{ name: cov, mountPath: /cov }]`, `, terminationGracePeriodSeconds: 2, volumes: [${volume}]`);
    const docs = [
      withCoverage("web", "{ name: cov, hostPath: { path: /paddock-coverage/run/web, type: DirectoryOrCreate } }"),
      withCoverage("tmp", "{ name: cov, emptyDir: {} }"),
      withCoverage("stubborn", "{ name: cov, hostPath: { path: /paddock-coverage/stubborn, type: DirectoryOrCreate } }", `, command: [node, -e, "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"]`),
    ].join("---\n");
    const a = (await run("kubectl", ["apply", "--server-side", "-f", "-"], docs));
    expect(a.code, a.stderr).toBe(0);
    for (const name of ["web", "tmp", "stubborn"]) expect((await run("kubectl", ["rollout", "status", `deployment/${name}`, "-n", "app", "--timeout=30s"])).code).toBe(0);
    expect(fs.readdirSync(path.join(host, "run", "web"))).toEqual([]); // nothing while it runs
    for (const name of ["web", "tmp", "stubborn"]) (await run("kubectl", ["scale", `deployment/${name}`, "--replicas=0", "-n", "app"]));
    for (const name of ["web", "tmp", "stubborn"]) expect((await run("kubectl", ["wait", "--for=delete", "pod", "-l", `app=${name}`, "-n", "app", "--timeout=30s"])).code).toBe(0);
    const files = fs.readdirSync(path.join(host, "run", "web"));
    expect(files).toEqual([expect.stringMatching(/^coverage-1-\d+-0\.json$/)]);
    const v8 = JSON.parse(fs.readFileSync(path.join(host, "run", "web", files[0]!), "utf8")) as { result: { url: string; functions: { ranges: { count: number }[] }[] }[] };
    const server = v8.result.find((r) => r.url === "file:///app/server.js");
    expect(server?.functions.length).toBeGreaterThan(1);
    expect(fs.readdirSync(path.join(host, "stubborn"))).toEqual([]); // SIGKILL after the grace period: no data
    expect(fs.readdirSync(host).sort()).toEqual(["run", "stubborn"]);
  });
});

describe.skipIf(!dockerUp)("strict field validation, as the API server's", () => {
  simIt("rejects unknown fields and wrong types with the API server's messages, and stores nothing", async () => {
    await createCluster();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    const typo = deployment("web", IMAGE, ", imagePullPolcy: IfNotPresent");
    const ssa = (await run("kubectl", ["apply", "--server-side", "-f", "-"], typo));
    expect(ssa.code).toBe(1);
    expect(ssa.stderr).toBe(`Error from server: failed to create typed patch object (app/web; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="web"].imagePullPolcy: field not declared in schema\n`);
    const f = file("typo.yaml", typo);
    const created = (await run("kubectl", ["create", "-f", f]));
    expect(created.stderr).toBe(`Error from server (BadRequest): error when creating "${f}": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolcy"\n`);
    const replicas = deployment("web", IMAGE).replace("replicas: 1", 'replicas: "3"');
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], replicas)).stderr).toBe(`Error from server: failed to create typed patch object (app/web; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string\n`);
    expect((await run("kubectl", ["create", "-f", file("r.yaml", replicas)])).stderr).toContain(`cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`);
    const port = `apiVersion: v1\nkind: Service\nmetadata: { name: s, namespace: app }\nspec: { ports: [{ port: 80, protocl: TCP }] }\n`;
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], port)).stderr).toBe(`Error from server: failed to create typed patch object (app/s; /v1, Kind=Service): .spec.ports[port=80,protocol="TCP"].protocl: field not declared in schema\n`);
    expect((await run("kubectl", ["get", "deployment", "web", "-n", "app"])).code).toBe(1);
    // Quantities take numbers; IntOrString takes both.
    const ok = deployment("web", IMAGE, ", resources: { limits: { cpu: 1, memory: 64Mi } }, ports: [{ containerPort: 8080, name: http }], readinessProbe: { tcpSocket: { port: http } }");
    const good = (await run("kubectl", ["apply", "--server-side", "-f", "-"], ok));
    expect(good.code, good.stderr).toBe(0);
  });

  simIt("checks custom resources against their CRD's schema", async () => {
    await createCluster();
    const crd = CRD.replace("schema: { openAPIV3Schema: { type: object } }", "schema: { openAPIV3Schema: { type: object, properties: { spec: { type: object, properties: { size: { type: integer } } } } } }");
    await run("kubectl", ["apply", "--server-side", "-f", "-"], [NS, crd].join("---\n"));
    expect((await run("kubectl", ["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=30s"])).code).toBe(0);
    const cr = (spec: string): string => `apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w1, namespace: app }\nspec: ${spec}\n`;
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], cr("{ size: 2, colour: red }"))).stderr).toBe(`Error from server: failed to create typed patch object (app/w1; example.com/v1, Kind=Widget): .spec.colour: field not declared in schema\n`);
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], cr("{ size: big }"))).stderr).toBe(`The Widget "w1" is invalid: spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"\n`);
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], cr("{ size: 2 }"))).code).toBe(0);
  });
});

describe.skipIf(!dockerUp)("kind delete cluster", () => {
  simIt("removes every container, volume and network of the cluster", async () => {
    await createCluster();
    await loadImage();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    const docs = [deployment("web", IMAGE, ", volumeMounts: [{ name: scratch, mountPath: /scratch }]", ", volumes: [{ name: scratch, emptyDir: {} }]"), `apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: app }\nspec: { selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }\n`].join("---\n");
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], docs)).code).toBe(0);
    expect((await run("kubectl", ["rollout", "status", "deployment/web", "-n", "app", "--timeout=30s"])).code).toBe(0);
    const before = leftovers("t", path.join(D(), "state"));
    for (const kind of ["container psim-.*--t-control-plane", "container psim-.*--pod-app-web-", "container psim-.*--svc-app-web", "volume psim-.*--ed-", "network psim-.*-t-net"]) expect(before.some((l) => new RegExp(`^${kind}`).test(l)), kind).toBe(true);
    expect((await run("kind", ["delete", "cluster", "--name", "t"])).code).toBe(0);
    expect(leftovers("t", path.join(D(), "state"))).toEqual([]);
  });
});

describe.skipIf(!dockerUp)("image loading", () => {
  simIt("loads an image archive and pods using it become ready", async () => {
    await createCluster();
    const archive = path.join(D(), "img.tar");
    // The archive's config digest is the test image's ID: the engine has that image, so the pod runs it.
    const id = spawnSync("docker", ["image", "inspect", "--format", "{{.Id}}", IMAGE], { encoding: "utf8" }).stdout.trim();
    fs.writeFileSync(archive, tarWithManifest([{ Config: "blobs/sha256/" + id.replace(/^sha256:/, ""), RepoTags: ["example.com/app/api:1.0"], Layers: [] }]));
    expect((await run("kind", ["load", "image-archive", path.join(D(), "missing.tar"), "--name", "t"])).stderr).toContain("no such file or directory");
    expect((await run("kind", ["load", "image-archive", archive, "--name", "t"])).code).toBe(0);
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    await run("kubectl", ["apply", "--server-side", "-f", "-"], deployment("api", "example.com/app/api:1.0"));
    expect((await run("kubectl", ["rollout", "status", "deployment/api", "-n", "app", "--timeout=60s"])).code).toBe(0);
    const logs = (await run("kind", ["export", "logs", path.join(D(), "logs"), "--name", "t"]));
    expect(logs.stdout).toBe(path.join(D(), "logs") + "\n");
    expect(fs.existsSync(path.join(D(), "logs", "t-control-plane", "kubelet.log"))).toBe(true);
  });
  simIt("kind load docker-image asks the real Docker engine", async () => {
    await createCluster();
    const r = (await run("kind", ["load", "docker-image", "paddock-sim-surely-absent:none", "--name", "t"]));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ERROR: image: "paddock-sim-surely-absent:none" not present locally\n`);
  });
});

describe.skipIf(!dockerUp)("command log", () => {
  simIt("records one JSON line per invocation", async () => {
    await run("kind", ["version"]);
    await run("kubectl", ["get", "pods"]);
    const lines = fs.readFileSync(path.join(D(), "state", "commands.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { t: number; argv: string[]; exit: number });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ argv: ["kind", "version"], exit: 0 });
    expect(lines[1]).toMatchObject({ argv: ["kubectl", "get", "pods"], exit: 1 });
    expect(typeof lines[0]?.t).toBe("number");
  });
  simIt("survives concurrent invocations", async () => {
    await createCluster();
    const { spawn } = await import("node:child_process");
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        new Promise<void>((resolve) => {
          const p = spawn(path.join(BIN, "kubectl"), ["apply", "--server-side", "-f", "-"], { env: env() });
          p.stdin.end(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c${i} }\ndata: { i: "${i}" }\n`);
          p.on("exit", () => resolve());
        }),
      ),
    );
    const cms = JSON.parse((await run("kubectl", ["get", "configmaps", "-o", "json"])).stdout) as { items: unknown[] };
    expect(cms.items).toHaveLength(6);
    const lines = fs.readFileSync(path.join(D(), "state", "commands.jsonl"), "utf8").trim().split("\n");
    for (const l of lines) expect(() => JSON.parse(l) as unknown).not.toThrow();
  });
});
