// TEST SIMULATOR — not the real kind/kubectl. Contract tests for the simulator itself: arguments, clusters, apply, images, the command log.
import { describe, expect } from "vitest";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {
  run,
  writeSim,
  file,
  createCluster,
  NS,
  CRD,
  CR,
  CM,
  deployment,
  simIt,
  dockerUp,
  IMAGE,
  D,
  BIN,
  tarWithManifest,
  env,
  useTestImage,
} from "./harness.js";

useTestImage();

describe("argument handling", () => {
  simIt("kind rejects unknown flags like cobra does", async () => {
    const r = await run("kind", ["create", "cluster", "--foo"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("ERROR: unknown flag: --foo\n");
  });
  simIt("kubectl rejects unknown flags with a usage hint", async () => {
    const r = await run("kubectl", ["apply", "--foo"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: unknown flag: --foo\nSee 'kubectl apply --help' for usage.\n");
  });
  simIt.skipIf(!dockerUp)("kubectl validates flag values", async () => {
    await createCluster();
    const r = await run("kubectl", ["wait", "--for=delete", "pod", "-l", "a=b", "--timeout=abc"]);
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
    const v = JSON.parse((await run("kubectl", ["version", "--client", "-o", "json"])).stdout) as {
      clientVersion: { gitVersion: string };
    };
    expect(v.clientVersion.gitVersion).toBe("v1.31.0");
  });
});

describe.skipIf(!dockerUp)("kind clusters", () => {
  simIt("creates, refuses duplicates, lists and deletes", async () => {
    const c = await run("kind", ["create", "cluster", "--name", "one"]);
    expect(c.code).toBe(0);
    expect(c.stdout).toBe("");
    expect(c.stderr).toContain(`Creating cluster "one" ...`);
    expect(c.stderr).toContain(" ✓ Ensuring node image (kindest/node:v1.31.0) 🖼");
    expect(c.stderr).toContain(`Set kubectl context to "kind-one"`);
    const kc = fs.readFileSync(path.join(D(), ".kube", "config"), "utf8");
    expect(kc).toMatch(/server: https:\/\/127\.0\.0\.1:\d+/);
    expect(kc).toContain("current-context: kind-one");

    const dup = await run("kind", ["create", "cluster", "--name", "one"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe(
      `ERROR: failed to create cluster: node(s) already exist for a cluster with the name "one"\n`,
    );

    expect((await run("kind", ["get", "clusters"])).stdout).toBe("one\n");
    expect((await run("kind", ["get", "nodes", "--name", "one"])).stdout).toBe("one-control-plane\n");
    const nodes = JSON.parse((await run("kubectl", ["get", "nodes", "-o", "json"])).stdout) as {
      items: { status: { conditions: { type: string; status: string }[] } }[];
    };
    expect(nodes.items[0]?.status.conditions.find((x) => x.type === "Ready")?.status).toBe("True");

    const d = await run("kind", ["delete", "cluster", "--name", "one"]);
    expect(d.code).toBe(0);
    expect(d.stderr).toContain(`Deleting cluster "one" ...`);
    const gone = await run("kubectl", ["--context", "kind-one", "get", "pods"]);
    expect(gone.code).toBe(1);
    const none = await run("kind", ["get", "clusters"]);
    expect(none.stdout).toBe("");
    expect(none.stderr).toBe("No kind clusters found.\n");
    expect((await run("kind", ["delete", "cluster", "--name", "absent"])).code).toBe(0);
  });
  simIt("refuses kubectl when the kubeconfig points nowhere", async () => {
    const r = await run("kubectl", ["get", "pods"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n",
    );
  });
  simIt("validates the kind config", async () => {
    const bad = file("kind.yaml", "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha9\n");
    const r = await run("kind", ["create", "cluster", "--config", bad]);
    expect(r.stderr).toBe("ERROR: failed to create cluster: unknown apiVersion: kind.x-k8s.io/v1alpha9\n");
    const role = file("kind2.yaml", "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: master\n");
    const r2 = await run("kind", ["create", "cluster", "--config", role]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`"master" is not a valid node role`);
    const ok = file(
      "kind3.yaml",
      "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n  extraPortMappings: [{containerPort: 30080, hostPort: 8080}]\n- role: worker\n",
    );
    expect((await run("kind", ["create", "cluster", "--name", "multi", "--config", ok])).code).toBe(0);
    expect((await run("kind", ["get", "nodes", "--name", "multi"])).stdout).toBe("multi-control-plane\nmulti-worker\n");
  });
  simIt("fails creation when configured and leaves no cluster", async () => {
    writeSim({ failClusterCreate: true });
    const r = await run("kind", ["create", "cluster", "--name", "f"]);
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
    const r1 = await run("kubectl", ["apply", "--server-side", "-f", cm]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toBe(`Error from server (NotFound): namespaces "app" not found\n`);

    const all = file("all.yaml", [NS, CRD, CR, CM].join("---\n"));
    const r2 = await run("kubectl", ["apply", "--server-side", "-f", all]);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toContain("namespace/app serverside-applied\n");
    expect(r2.stdout).toContain("configmap/cfg serverside-applied\n");
    expect(r2.stderr).toContain(
      `no matches for kind "Widget" in version "example.com/v1"\nensure CRDs are installed first`,
    );

    const w = await run("kubectl", ["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=30s"]);
    expect(w.stdout).toBe("customresourcedefinition.apiextensions.k8s.io/widgets.example.com condition met\n");
    const r3 = await run("kubectl", ["apply", "--server-side", "-f", "-"], [NS, CRD, CR, CM].join("---\n"));
    expect(r3.code).toBe(0);
    expect(r3.stdout).toContain("widget.example.com/w1 serverside-applied\n");
    expect((await run("kubectl", ["apply", "--server-side", "-f", all])).code).toBe(0);

    const c = await run("kubectl", ["create", "-f", cm]);
    expect(c.code).toBe(1);
    expect(c.stderr).toBe(
      `Error from server (AlreadyExists): error when creating "${cm}": configmaps "cfg" already exists\n`,
    );
  });
  simIt("keeps dotted label keys as keys when server-side apply updates an object", async () => {
    await createCluster();
    const labelled = (value: string): string =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: marker\n  namespace: default\n  labels:\n    dev.paddock.kept: "${value}"\ndata:\n  k: v\n`;
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], labelled("false"))).code).toBe(0);
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], labelled("true"))).code).toBe(0);
    const got = JSON.parse(
      (await run("kubectl", ["get", "configmap", "marker", "-n", "default", "-o", "json"])).stdout,
    ) as { metadata: { labels: Record<string, unknown> } };
    expect(got.metadata.labels).toEqual({ "dev.paddock.kept": "true" });
  });

  simIt("detects field-manager conflicts after kubectl scale", async () => {
    await createCluster();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    const d = file("d.yaml", deployment("web", "registry.k8s.io/pause:3.9"));
    expect((await run("kubectl", ["apply", "--server-side", "--field-manager", "paddock", "-f", d])).code).toBe(0);
    expect((await run("kubectl", ["scale", "deployment/web", "--replicas=0", "-n", "app"])).stdout).toBe(
      "deployment.apps/web scaled\n",
    );
    const r = await run("kubectl", ["apply", "--server-side", "--field-manager", "paddock", "-f", d]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error: Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas`,
    );
    expect(
      (await run("kubectl", ["apply", "--server-side", "--force-conflicts", "--field-manager", "paddock", "-f", d]))
        .code,
    ).toBe(0);
  });
});

describe.skipIf(!dockerUp)("image loading", () => {
  simIt("loads an image archive and pods using it become ready", async () => {
    await createCluster();
    const archive = path.join(D(), "img.tar");
    // The archive's config digest is the test image's ID: the engine has that image, so the pod runs it.
    const id = spawnSync("docker", ["image", "inspect", "--format", "{{.Id}}", IMAGE], {
      encoding: "utf8",
    }).stdout.trim();
    fs.writeFileSync(
      archive,
      tarWithManifest([
        { Config: "blobs/sha256/" + id.replace(/^sha256:/, ""), RepoTags: ["example.com/app/api:1.0"], Layers: [] },
      ]),
    );
    expect(
      (await run("kind", ["load", "image-archive", path.join(D(), "missing.tar"), "--name", "t"])).stderr,
    ).toContain("no such file or directory");
    expect((await run("kind", ["load", "image-archive", archive, "--name", "t"])).code).toBe(0);
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    await run("kubectl", ["apply", "--server-side", "-f", "-"], deployment("api", "example.com/app/api:1.0"));
    expect((await run("kubectl", ["rollout", "status", "deployment/api", "-n", "app", "--timeout=60s"])).code).toBe(0);
    const logs = await run("kind", ["export", "logs", path.join(D(), "logs"), "--name", "t"]);
    expect(logs.stdout).toBe(path.join(D(), "logs") + "\n");
    expect(fs.existsSync(path.join(D(), "logs", "t-control-plane", "kubelet.log"))).toBe(true);
  });
  simIt("kind load docker-image asks the real Docker engine", async () => {
    await createCluster();
    const r = await run("kind", ["load", "docker-image", "paddock-sim-surely-absent:none", "--name", "t"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ERROR: image: "paddock-sim-surely-absent:none" not present locally\n`);
  });
});

describe.skipIf(!dockerUp)("command log", () => {
  simIt("records one JSON line per invocation", async () => {
    await run("kind", ["version"]);
    await run("kubectl", ["get", "pods"]);
    const lines = fs
      .readFileSync(path.join(D(), "state", "commands.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { t: number; argv: string[]; exit: number });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ argv: ["kind", "version"], exit: 0 });
    expect(lines[1]).toMatchObject({ argv: ["kubectl", "get", "pods"], exit: 1 });
    expect(typeof lines[0]?.t).toBe("number");
  });
  simIt("survives concurrent invocations", async () => {
    await createCluster();
    const { spawn } = await import("node:child_process");
    await Promise.all(
      Array.from(
        { length: 6 },
        (_, i) =>
          new Promise<void>((resolve) => {
            const p = spawn(path.join(BIN, "kubectl"), ["apply", "--server-side", "-f", "-"], { env: env() });
            p.stdin.end(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c${i} }\ndata: { i: "${i}" }\n`);
            p.on("exit", () => resolve());
          }),
      ),
    );
    const cms = JSON.parse((await run("kubectl", ["get", "configmaps", "-o", "json"])).stdout) as { items: unknown[] };
    expect(cms.items).toHaveLength(6);
    const lines = fs
      .readFileSync(path.join(D(), "state", "commands.jsonl"), "utf8")
      .trim()
      .split("\n");
    for (const l of lines) expect(() => JSON.parse(l) as unknown).not.toThrow();
  });
});
