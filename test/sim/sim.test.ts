// TEST SIMULATOR — not the real kind/kubectl. Contract tests for the simulator itself.
import { describe, it, expect, beforeEach } from "vitest";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const BIN = path.join(import.meta.dirname, "bin");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let dir = "";
function env(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ""}`, PADDOCK_SIM_DIR: path.join(dir, "state"), HOME: dir, KUBECONFIG: "" };
}
function run(cmd: "kind" | "kubectl", args: string[], input?: string): Run {
  const r = spawnSync(path.join(BIN, cmd), args, { env: env(), encoding: "utf8", input, cwd: dir });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
function writeSim(cfg: Record<string, unknown>): void {
  fs.mkdirSync(path.join(dir, "state"), { recursive: true });
  fs.writeFileSync(path.join(dir, "state", "sim.json"), JSON.stringify({ timeScale: 0.01, clusterCreateSeconds: 10, ...cfg }));
}
function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}
function createCluster(name = "t"): void {
  const r = run("kind", ["create", "cluster", "--name", name, "--wait", "60s"]);
  expect(r.code, r.stderr).toBe(0);
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
const deployment = (name: string, image: string, extra = ""): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: app }
spec:
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: ${name}, image: "${image}"${extra} }] }
`;
const job = (name: string): string => `apiVersion: batch/v1
kind: Job
metadata: { name: ${name}, namespace: app }
spec:
  backoffLimit: 0
  template:
    spec: { restartPolicy: Never, containers: [{ name: main, image: "registry.k8s.io/pause:3.9" }] }
`;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "paddock-sim-"));
  writeSim({});
});

describe("argument handling", () => {
  it("kind rejects unknown flags like cobra does", () => {
    const r = run("kind", ["create", "cluster", "--foo"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("ERROR: unknown flag: --foo\n");
  });
  it("kubectl rejects unknown flags with a usage hint", () => {
    const r = run("kubectl", ["apply", "--foo"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: unknown flag: --foo\nSee 'kubectl apply --help' for usage.\n");
  });
  it("kubectl validates flag values", () => {
    createCluster();
    const r = run("kubectl", ["wait", "--for=delete", "pod", "-l", "a=b", "--timeout=abc"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`invalid argument "abc" for "--timeout" flag: time: invalid duration "abc"`);
  });
  it("requires PADDOCK_SIM_DIR", () => {
    const r = spawnSync(path.join(BIN, "kind"), ["version"], { env: { PATH: process.env.PATH }, encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("PADDOCK_SIM_DIR");
  });
  it("prints versions", () => {
    expect(run("kind", ["version"]).stdout).toBe("kind v0.24.0 go1.22.6 linux/amd64\n");
    const v = JSON.parse(run("kubectl", ["version", "--client", "-o", "json"]).stdout) as { clientVersion: { gitVersion: string } };
    expect(v.clientVersion.gitVersion).toBe("v1.31.0");
  });
});

describe("kind clusters", () => {
  it("creates, refuses duplicates, lists and deletes", () => {
    const c = run("kind", ["create", "cluster", "--name", "one"]);
    expect(c.code).toBe(0);
    expect(c.stdout).toBe("");
    expect(c.stderr).toContain(`Creating cluster "one" ...`);
    expect(c.stderr).toContain(" ✓ Ensuring node image (kindest/node:v1.31.0) 🖼");
    expect(c.stderr).toContain(`Set kubectl context to "kind-one"`);
    const kc = fs.readFileSync(path.join(dir, ".kube", "config"), "utf8");
    expect(kc).toMatch(/server: https:\/\/127\.0\.0\.1:\d+/);
    expect(kc).toContain("current-context: kind-one");

    const dup = run("kind", ["create", "cluster", "--name", "one"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe(`ERROR: failed to create cluster: node(s) already exist for a cluster with the name "one"\n`);

    expect(run("kind", ["get", "clusters"]).stdout).toBe("one\n");
    expect(run("kind", ["get", "nodes", "--name", "one"]).stdout).toBe("one-control-plane\n");
    const nodes = JSON.parse(run("kubectl", ["get", "nodes", "-o", "json"]).stdout) as { items: { status: { conditions: { type: string; status: string }[] } }[] };
    expect(nodes.items[0]?.status.conditions.find((x) => x.type === "Ready")?.status).toBe("True");

    const d = run("kind", ["delete", "cluster", "--name", "one"]);
    expect(d.code).toBe(0);
    expect(d.stderr).toContain(`Deleting cluster "one" ...`);
    const gone = run("kubectl", ["--context", "kind-one", "get", "pods"]);
    expect(gone.code).toBe(1);
    const none = run("kind", ["get", "clusters"]);
    expect(none.stdout).toBe("");
    expect(none.stderr).toBe("No kind clusters found.\n");
    expect(run("kind", ["delete", "cluster", "--name", "absent"]).code).toBe(0);
  });
  it("refuses kubectl when the kubeconfig points nowhere", () => {
    const r = run("kubectl", ["get", "pods"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("The connection to the server localhost:8080 was refused - did you specify the right host or port?\n");
  });
  it("validates the kind config", () => {
    const bad = file("kind.yaml", "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha9\n");
    const r = run("kind", ["create", "cluster", "--config", bad]);
    expect(r.stderr).toBe("ERROR: failed to create cluster: unknown apiVersion: kind.x-k8s.io/v1alpha9\n");
    const role = file("kind2.yaml", "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: master\n");
    const r2 = run("kind", ["create", "cluster", "--config", role]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`"master" is not a valid node role`);
    const ok = file("kind3.yaml", "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n  extraPortMappings: [{containerPort: 30080, hostPort: 8080}]\n- role: worker\n");
    expect(run("kind", ["create", "cluster", "--name", "multi", "--config", ok]).code).toBe(0);
    expect(run("kind", ["get", "nodes", "--name", "multi"]).stdout).toBe("multi-control-plane\nmulti-worker\n");
  });
  it("fails creation when configured and leaves no cluster", () => {
    writeSim({ failClusterCreate: true });
    const r = run("kind", ["create", "cluster", "--name", "f"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(" ✗ Starting control-plane");
    expect(r.stderr).toContain("ERROR: failed to create cluster: failed to init node with kubeadm");
    expect(run("kind", ["get", "clusters"]).stdout).toBe("");
  });
});

describe("kubectl apply", () => {
  it("reports missing namespaces and CRDs, then is idempotent", () => {
    createCluster();
    const cm = file("cm.yaml", CM);
    const r1 = run("kubectl", ["apply", "--server-side", "-f", cm]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toBe(`Error from server (NotFound): namespaces "app" not found\n`);

    const all = file("all.yaml", [NS, CRD, CR, CM].join("---\n"));
    const r2 = run("kubectl", ["apply", "--server-side", "-f", all]);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toContain("namespace/app serverside-applied\n");
    expect(r2.stdout).toContain("configmap/cfg serverside-applied\n");
    expect(r2.stderr).toContain(`no matches for kind "Widget" in version "example.com/v1"\nensure CRDs are installed first`);

    const w = run("kubectl", ["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=30s"]);
    expect(w.stdout).toBe("customresourcedefinition.apiextensions.k8s.io/widgets.example.com condition met\n");
    const r3 = run("kubectl", ["apply", "--server-side", "-f", "-"], [NS, CRD, CR, CM].join("---\n"));
    expect(r3.code).toBe(0);
    expect(r3.stdout).toContain("widget.example.com/w1 serverside-applied\n");
    expect(run("kubectl", ["apply", "--server-side", "-f", all]).code).toBe(0);

    const c = run("kubectl", ["create", "-f", cm]);
    expect(c.code).toBe(1);
    expect(c.stderr).toBe(`Error from server (AlreadyExists): error when creating "${cm}": configmaps "cfg" already exists\n`);
  });
  it("keeps dotted label keys as keys when server-side apply updates an object", () => {
    createCluster();
    const labelled = (value: string): string =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: marker\n  namespace: default\n  labels:\n    dev.paddock.kept: "${value}"\ndata:\n  k: v\n`;
    expect(run("kubectl", ["apply", "--server-side", "-f", "-"], labelled("false")).code).toBe(0);
    expect(run("kubectl", ["apply", "--server-side", "-f", "-"], labelled("true")).code).toBe(0);
    const got = JSON.parse(run("kubectl", ["get", "configmap", "marker", "-n", "default", "-o", "json"]).stdout) as { metadata: { labels: Record<string, unknown> } };
    expect(got.metadata.labels).toEqual({ "dev.paddock.kept": "true" });
  });

  it("detects field-manager conflicts after kubectl scale", () => {
    createCluster();
    run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    const d = file("d.yaml", deployment("web", "registry.k8s.io/pause:3.9"));
    expect(run("kubectl", ["apply", "--server-side", "--field-manager", "paddock", "-f", d]).code).toBe(0);
    expect(run("kubectl", ["scale", "deployment/web", "--replicas=0", "-n", "app"]).stdout).toBe("deployment.apps/web scaled\n");
    const r = run("kubectl", ["apply", "--server-side", "--field-manager", "paddock", "-f", d]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas`);
    expect(run("kubectl", ["apply", "--server-side", "--force-conflicts", "--field-manager", "paddock", "-f", d]).code).toBe(0);
  });
});

describe("workloads", () => {
  it("rollout status waits for readySeconds and times out before", () => {
    writeSim({ readySeconds: { default: 1, "deployment/slow": 100 } });
    createCluster();
    run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    const docs = [deployment("fast", "registry.k8s.io/pause:3.9"), deployment("slow", "registry.k8s.io/pause:3.9")].join("---\n");
    expect(run("kubectl", ["apply", "--server-side", "-f", "-"], docs).code).toBe(0);
    const ok = run("kubectl", ["rollout", "status", "deployment/fast", "-n", "app", "--timeout=60s"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/deployment "fast" successfully rolled out\n$/);
    const t0 = Date.now();
    const slow = run("kubectl", ["rollout", "status", "deployment/slow", "-n", "app", "--timeout=20s"]);
    expect(slow.code).toBe(1);
    expect(slow.stdout).toContain(`Waiting for deployment "slow" rollout to finish: 0 of 1 updated replicas are available...`);
    expect(slow.stderr).toBe("error: timed out waiting for the condition\n");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200); // 20 s simulated at timeScale 0.01
    const dep = JSON.parse(run("kubectl", ["get", "deployment", "fast", "-n", "app", "-o", "json"]).stdout) as { status: { availableReplicas: number } };
    expect(dep.status.availableReplicas).toBe(1);
  });
  it("shows ImagePullBackOff for images that were never loaded", async () => {
    writeSim({ imagePullBackOff: ["signalprocessing"] });
    createCluster();
    run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    expect(run("kubectl", ["apply", "--server-side", "-f", "-"], deployment("sp", "localhost/kubernaut/signalprocessing:dev")).code).toBe(0);
    await new Promise((r) => setTimeout(r, 120));
    const pods = JSON.parse(run("kubectl", ["get", "pods", "-n", "app", "-l", "app=sp", "-o", "json"]).stdout) as {
      items: { status: { containerStatuses: { state: { waiting?: { reason: string } } }[] } }[];
    };
    expect(pods.items[0]?.status.containerStatuses[0]?.state.waiting?.reason).toBe("ImagePullBackOff");
    const ev = JSON.parse(run("kubectl", ["get", "events", "-n", "app", "-o", "json"]).stdout) as { items: { reason: string; message: string }[] };
    expect(ev.items.some((e) => e.reason === "Failed" && e.message.startsWith(`Failed to pull image "localhost/kubernaut/signalprocessing:dev"`))).toBe(true);
    expect(ev.items.some((e) => e.reason === "BackOff")).toBe(true);
    const logs = run("kubectl", ["logs", "deployment/sp", "-n", "app"]);
    expect(logs.code).toBe(1);
    expect(logs.stderr).toContain("is waiting to start: trying and failing to pull image");
  });
  it("fails jobs listed in failJobs with BackoffLimitExceeded", () => {
    writeSim({ failJobs: ["migrations"] });
    createCluster();
    run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    expect(run("kubectl", ["apply", "--server-side", "-f", "-"], [job("migrations"), job("seed")].join("---\n")).code).toBe(0);
    expect(run("kubectl", ["wait", "--for=condition=complete", "job/seed", "-n", "app", "--timeout=30s"]).code).toBe(0);
    const w = run("kubectl", ["wait", "--for=condition=complete", "job/migrations", "-n", "app", "--timeout=10s"]);
    expect(w.code).toBe(1);
    expect(w.stderr).toBe("error: timed out waiting for the condition on jobs/migrations\n");
    const j = JSON.parse(run("kubectl", ["get", "job", "migrations", "-n", "app", "-o", "json"]).stdout) as { status: { failed: number; conditions: { type: string; reason: string }[] } };
    expect(j.status.failed).toBe(1);
    expect(j.status.conditions.find((c) => c.type === "Failed")?.reason).toBe("BackoffLimitExceeded");
    expect(run("kubectl", ["logs", "job/migrations", "-n", "app"]).stdout).toContain("ERROR migrations failed");
  });
  it("scales to zero and waits for deletion", () => {
    createCluster();
    run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    run("kubectl", ["apply", "--server-side", "-f", "-"], deployment("web", "registry.k8s.io/pause:3.9"));
    run("kubectl", ["scale", "deployment/web", "--replicas=0", "-n", "app"]);
    expect(run("kubectl", ["wait", "--for=delete", "pod", "-l", "app=web", "-n", "app", "--timeout=30s"]).code).toBe(0);
    expect(JSON.parse(run("kubectl", ["get", "pods", "-n", "app", "-o", "json"]).stdout)).toEqual({ apiVersion: "v1", items: [], kind: "List", metadata: { resourceVersion: "" } });
    const nf = run("kubectl", ["delete", "configmap", "nope", "-n", "app"]);
    expect(nf.stderr).toBe(`Error from server (NotFound): configmaps "nope" not found\n`);
    expect(run("kubectl", ["delete", "configmap", "nope", "-n", "app", "--ignore-not-found"]).code).toBe(0);
  });
});

describe("coverage on a graceful stop (modelled)", () => {
  const covDeployment = (name: string, variable: string, volume: string): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: app }
spec:
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: ${name}
          image: registry.k8s.io/pause:3.9
          env: [{ name: ${variable}, value: /cov }]
          volumeMounts: [{ name: cov, mountPath: /cov }]
      volumes: [${volume}]
`;

  function clusterWithMount(): string {
    const host = path.join(dir, "hostcov");
    fs.mkdirSync(host);
    const cfg = file("kind.yaml", `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n    extraMounts: [{ hostPath: ${host}, containerPath: /paddock-coverage }]\n`);
    expect(run("kind", ["create", "cluster", "--name", "t", "--config", cfg, "--wait", "60s"]).code).toBe(0);
    run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    return host;
  }

  function scaleDown(name: string): void {
    expect(run("kubectl", ["rollout", "status", `deployment/${name}`, "-n", "app", "--timeout=30s"]).code).toBe(0);
    expect(run("kubectl", ["scale", `deployment/${name}`, "--replicas=0", "-n", "app"]).code).toBe(0);
    expect(run("kubectl", ["wait", "--for=delete", "pod", "-l", `app=${name}`, "-n", "app", "--timeout=30s"]).code).toBe(0);
  }

  it("writes V8 coverage through the hostPath volume and the node's extraMount when a pod is scaled down", () => {
    const host = clusterWithMount();
    run("kubectl", ["apply", "--server-side", "-f", "-"], covDeployment("web", "NODE_V8_COVERAGE", "{ name: cov, hostPath: { path: /paddock-coverage/run/web, type: DirectoryOrCreate } }"));
    expect(fs.existsSync(path.join(host, "run", "web"))).toBe(false); // nothing while it runs
    scaleDown("web");
    const files = fs.readdirSync(path.join(host, "run", "web"));
    expect(files).toEqual([expect.stringMatching(/^coverage-1-\d+-0\.json$/)]);
    const v8 = JSON.parse(fs.readFileSync(path.join(host, "run", "web", files[0]!), "utf8")) as { result: { url: string }[] };
    expect(v8.result.map((r) => r.url)).toContain("file:///app/server.js");
    expect(v8.result.map((r) => r.url)).toContain("node:internal/bootstrap/realm");
  });

  it("writes Go's covmeta/covcounters; nothing for an emptyDir or for workloads in ignoreSigterm", () => {
    writeSim({ ignoreSigterm: ["stubborn"] });
    const host = clusterWithMount();
    run("kubectl", ["apply", "--server-side", "-f", "-"], covDeployment("gosvc", "GOCOVERDIR", "{ name: cov, hostPath: { path: /paddock-coverage/go } }"));
    run("kubectl", ["apply", "--server-side", "-f", "-"], covDeployment("tmp", "NODE_V8_COVERAGE", "{ name: cov, emptyDir: {} }"));
    run("kubectl", ["apply", "--server-side", "-f", "-"], covDeployment("stubborn", "NODE_V8_COVERAGE", "{ name: cov, hostPath: { path: /paddock-coverage/stubborn } }"));
    for (const name of ["gosvc", "tmp", "stubborn"]) scaleDown(name);
    expect(fs.readdirSync(path.join(host, "go")).sort()).toEqual([expect.stringMatching(/^covcounters\.[0-9a-f]{32}\.1\.\d+$/), expect.stringMatching(/^covmeta\.[0-9a-f]{32}$/)]);
    expect(fs.readdirSync(host).sort()).toEqual(["go"]);
  });
});

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

describe("image loading", () => {
  it("loads an image archive and pods using it become ready", () => {
    createCluster();
    const archive = path.join(dir, "img.tar");
    fs.writeFileSync(archive, tarWithManifest([{ Config: "blobs/sha256/" + "ab".repeat(32), RepoTags: ["example.com/app/api:1.0"], Layers: [] }]));
    expect(run("kind", ["load", "image-archive", path.join(dir, "missing.tar"), "--name", "t"]).stderr).toContain("no such file or directory");
    expect(run("kind", ["load", "image-archive", archive, "--name", "t"]).code).toBe(0);
    run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    run("kubectl", ["apply", "--server-side", "-f", "-"], deployment("api", "example.com/app/api:1.0"));
    expect(run("kubectl", ["rollout", "status", "deployment/api", "-n", "app", "--timeout=60s"]).code).toBe(0);
    const logs = run("kind", ["export", "logs", path.join(dir, "logs"), "--name", "t"]);
    expect(logs.stdout).toBe(path.join(dir, "logs") + "\n");
    expect(fs.existsSync(path.join(dir, "logs", "t-control-plane", "kubelet.log"))).toBe(true);
  });
  const dockerUp = spawnSync(fs.existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker", ["info"]).status === 0;
  it.skipIf(!dockerUp)("kind load docker-image asks the real Docker engine (skipped: `docker info` failed, no engine running)", () => {
    createCluster();
    const r = run("kind", ["load", "docker-image", "paddock-sim-surely-absent:none", "--name", "t"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ERROR: image: "paddock-sim-surely-absent:none" not present locally\n`);
  });
});

describe("command log", () => {
  it("records one JSON line per invocation", () => {
    run("kind", ["version"]);
    run("kubectl", ["get", "pods"]);
    const lines = fs.readFileSync(path.join(dir, "state", "commands.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { t: number; argv: string[]; exit: number });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ argv: ["kind", "version"], exit: 0 });
    expect(lines[1]).toMatchObject({ argv: ["kubectl", "get", "pods"], exit: 1 });
    expect(typeof lines[0]?.t).toBe("number");
  });
  it("survives concurrent invocations", async () => {
    createCluster();
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
    const cms = JSON.parse(run("kubectl", ["get", "configmaps", "-o", "json"]).stdout) as { items: unknown[] };
    expect(cms.items).toHaveLength(6);
    const lines = fs.readFileSync(path.join(dir, "state", "commands.jsonl"), "utf8").trim().split("\n");
    for (const l of lines) expect(() => JSON.parse(l) as unknown).not.toThrow();
  });
});
