// TEST SIMULATOR — not the real kind/kubectl. Contract tests: what is applied runs for real (pods, probes, restarts, Jobs, volumes, Services, NodePorts, coverage) and leaves nothing behind.
import { describe, expect } from "vitest";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { leftovers } from "./test-image.js";
import {
  run,
  file,
  createCluster,
  loadImage,
  json,
  until,
  freePort,
  httpGet,
  NS,
  deployment,
  job,
  simIt,
  dockerUp,
  IMAGE,
  D,
  useTestImage,
} from "./harness.js";

useTestImage();

describe.skipIf(!dockerUp)("workloads run as real containers", () => {
  simIt("rollout status waits for the real readiness probe and times out when it never passes", async () => {
    await createCluster();
    await loadImage();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    const probe = (port: number): string =>
      `, ports: [{ containerPort: 8080, name: http }], readinessProbe: { httpGet: { path: /healthz, port: ${port} }, periodSeconds: 1 }`;
    const docs = [deployment("fast", IMAGE, probe(8080)), deployment("slow", IMAGE, probe(8081))].join("---\n");
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], docs)).code).toBe(0);
    const ok = await run("kubectl", ["rollout", "status", "deployment/fast", "-n", "app", "--timeout=60s"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/deployment "fast" successfully rolled out\n$/);
    const t0 = Date.now();
    const slow = await run("kubectl", ["rollout", "status", "deployment/slow", "-n", "app", "--timeout=3s"]);
    expect(slow.code).toBe(1);
    expect(slow.stdout).toContain(
      `Waiting for deployment "slow" rollout to finish: 0 of 1 updated replicas are available...`,
    );
    expect(slow.stderr).toBe("error: timed out waiting for the condition\n");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3000); // --timeout is real time: what it waits for is real
    const events = json<{ items: { reason: string; message: string; involvedObject: { name: string } }[] }>(
      await run("kubectl", ["get", "events", "-n", "app", "-o", "json"]),
    );
    const unhealthy = events.items.filter((e) => e.reason === "Unhealthy" && e.involvedObject.name.startsWith("slow-"));
    expect(unhealthy[0]?.message).toMatch(
      /^Readiness probe failed: Get "http:\/\/[\d.]+:8081\/healthz": dial tcp [\d.]+:8081: connect: connection refused$/,
    );
    const dep = json<{ status: { availableReplicas: number } }>(
      await run("kubectl", ["get", "deployment", "fast", "-n", "app", "-o", "json"]),
    );
    expect(dep.status.availableReplicas).toBe(1);
  });

  simIt("shows ImagePullBackOff for images that were never loaded", async () => {
    await createCluster();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    expect(
      (
        await run(
          "kubectl",
          ["apply", "--server-side", "-f", "-"],
          deployment("sp", "localhost/kubernaut/signalprocessing:dev"),
        )
      ).code,
    ).toBe(0);
    type Pods = { items: { status: { containerStatuses: { state: { waiting?: { reason: string } } }[] } }[] };
    await until("ImagePullBackOff", async () => {
      const pods = JSON.parse(
        (await run("kubectl", ["get", "pods", "-n", "app", "-l", "app=sp", "-o", "json"])).stdout,
      ) as Pods;
      return pods.items[0]?.status.containerStatuses[0]?.state.waiting?.reason === "ImagePullBackOff"
        ? true
        : undefined;
    });
    const ev = json<{ items: { reason: string; message: string }[] }>(
      await run("kubectl", ["get", "events", "-n", "app", "-o", "json"]),
    );
    expect(
      ev.items.some(
        (e) =>
          e.reason === "Failed" &&
          e.message.startsWith(`Failed to pull image "localhost/kubernaut/signalprocessing:dev"`),
      ),
    ).toBe(true);
    expect(ev.items.some((e) => e.reason === "BackOff")).toBe(true);
    const logs = await run("kubectl", ["logs", "deployment/sp", "-n", "app"]);
    expect(logs.code).toBe(1);
    expect(logs.stderr).toContain("is waiting to start: trying and failing to pull image");
  });

  simIt("a Job's result is its container's exit code; kubectl logs returns its output", async () => {
    await createCluster();
    await loadImage();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    const jobs = [
      job("migrations", "echo migrating; echo 'no such table' >&2; exit 3"),
      job("seed", "echo seeded"),
    ].join("---\n");
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], jobs)).code).toBe(0);
    expect(
      (await run("kubectl", ["wait", "--for=condition=complete", "job/seed", "-n", "app", "--timeout=30s"])).code,
    ).toBe(0);
    expect(
      (await run("kubectl", ["wait", "--for=condition=failed", "job/migrations", "-n", "app", "--timeout=30s"])).code,
    ).toBe(0);
    const j = json<{ status: { failed: number; conditions: { type: string; reason: string }[] } }>(
      await run("kubectl", ["get", "job", "migrations", "-n", "app", "-o", "json"]),
    );
    expect(j.status.failed).toBe(1);
    expect(j.status.conditions.find((c) => c.type === "Failed")?.reason).toBe("BackoffLimitExceeded");
    const pods = json<{
      items: { status: { containerStatuses: { state: { terminated?: { exitCode: number; reason: string } } }[] } }[];
    }>(await run("kubectl", ["get", "pods", "-n", "app", "-l", "job-name=migrations", "-o", "json"]));
    expect(pods.items[0]?.status.containerStatuses[0]?.state.terminated).toMatchObject({
      exitCode: 3,
      reason: "Error",
    });
    const out = (await run("kubectl", ["logs", "job/migrations", "-n", "app"])).stdout;
    expect(out).toContain("migrating\n"); // stdout and stderr, both
    expect(out).toContain("no such table\n");
    expect((await run("kubectl", ["logs", "job/seed", "-n", "app"])).stdout).toBe("seeded\n");
  });

  simIt("a container that exits is restarted, then CrashLoopBackOff; logs --previous shows the last run", async () => {
    await createCluster();
    await loadImage();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    await run(
      "kubectl",
      ["apply", "--server-side", "-f", "-"],
      deployment("crashy", IMAGE, `, command: [sh, -c, "echo starting; exit 2"]`),
    );
    type Pods = {
      items: {
        metadata: { name: string };
        status: {
          phase: string;
          containerStatuses: {
            restartCount: number;
            state: { waiting?: { reason: string } };
            lastState?: { terminated?: { exitCode: number } };
          }[];
        };
      }[];
    };
    const pod = await until("CrashLoopBackOff", async () => {
      const p = (
        JSON.parse(
          (await run("kubectl", ["get", "pods", "-n", "app", "-l", "app=crashy", "-o", "json"])).stdout,
        ) as Pods
      ).items[0];
      return p?.status.containerStatuses[0]?.state.waiting?.reason === "CrashLoopBackOff" ? p : undefined;
    });
    expect(pod.status.phase).toBe("Running");
    expect(pod.status.containerStatuses[0]?.restartCount).toBeGreaterThanOrEqual(1);
    expect(pod.status.containerStatuses[0]?.lastState?.terminated?.exitCode).toBe(2);
    expect((await run("kubectl", ["logs", pod.metadata.name, "-n", "app", "--previous"])).stdout).toBe("starting\n");
  });

  simIt("a failing liveness probe kills and restarts the container; an exec readiness probe drives Ready", async () => {
    await createCluster();
    await loadImage();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    // Alive for ~2 s after each start, ready while /tmp/ready exists.
    const probes = `, command: [sh, -c, "touch /tmp/alive /tmp/ready; sleep 2; rm /tmp/alive; sleep 3600"], livenessProbe: { exec: { command: [test, -f, /tmp/alive] }, periodSeconds: 1, failureThreshold: 1 }, readinessProbe: { exec: { command: [test, -f, /tmp/ready] }, periodSeconds: 1 }`;
    await run(
      "kubectl",
      ["apply", "--server-side", "-f", "-"],
      deployment("flaky", IMAGE, probes, ", terminationGracePeriodSeconds: 1"),
    );
    expect((await run("kubectl", ["rollout", "status", "deployment/flaky", "-n", "app", "--timeout=30s"])).code).toBe(
      0,
    );
    type Pods = { items: { metadata: { name: string }; status: { containerStatuses: { restartCount: number }[] } }[] };
    await until(
      "a restart",
      async () =>
        ((
          JSON.parse(
            (await run("kubectl", ["get", "pods", "-n", "app", "-l", "app=flaky", "-o", "json"])).stdout,
          ) as Pods
        ).items[0]?.status.containerStatuses[0]?.restartCount ?? 0) >= 1 || undefined,
    );
    const events = json<{ items: { reason: string; message: string }[] }>(
      await run("kubectl", ["get", "events", "-n", "app", "-o", "json"]),
    );
    expect(events.items.some((e) => e.reason === "Unhealthy" && e.message.startsWith("Liveness probe failed"))).toBe(
      true,
    );
    expect(
      events.items.some(
        (e) => e.reason === "Killing" && e.message === "Container flaky failed liveness probe, will be restarted",
      ),
    ).toBe(true);
  });

  simIt("scales to zero and waits for deletion", async () => {
    await createCluster();
    await loadImage();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    await run("kubectl", ["apply", "--server-side", "-f", "-"], deployment("web", IMAGE));
    expect((await run("kubectl", ["rollout", "status", "deployment/web", "-n", "app", "--timeout=30s"])).code).toBe(0);
    await run("kubectl", ["scale", "deployment/web", "--replicas=0", "-n", "app"]);
    expect(
      (await run("kubectl", ["wait", "--for=delete", "pod", "-l", "app=web", "-n", "app", "--timeout=30s"])).code,
    ).toBe(0);
    expect(JSON.parse((await run("kubectl", ["get", "pods", "-n", "app", "-o", "json"])).stdout)).toEqual({
      apiVersion: "v1",
      items: [],
      kind: "List",
      metadata: { resourceVersion: "" },
    });
    const nf = await run("kubectl", ["delete", "configmap", "nope", "-n", "app"]);
    expect(nf.stderr).toBe(`Error from server (NotFound): configmaps "nope" not found\n`);
    expect((await run("kubectl", ["delete", "configmap", "nope", "-n", "app", "--ignore-not-found"])).code).toBe(0);
  });
});

describe.skipIf(!dockerUp)("pod specs, networking and coverage for real", () => {
  async function clusterWithConfig(config: string): Promise<void> {
    const cfg = file(
      "kind.yaml",
      `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n${config}`,
    );
    const r = await run("kind", ["create", "cluster", "--name", "t", "--config", cfg, "--wait", "60s"]);
    expect(r.code, r.stderr).toBe(0);
    await loadImage();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
  }

  simIt(
    "runs the container with its command, args, env (literal, ConfigMap, Secret, $(VAR)), working dir, user and volumes",
    async () => {
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
      const a = await run("kubectl", ["apply", "--server-side", "-f", "-"], docs);
      expect(a.code, a.stderr).toBe(0);
      const w = await run("kubectl", ["wait", "--for=condition=complete", "job/show", "-n", "app", "--timeout=30s"]);
      expect(w.code, (await run("kubectl", ["logs", "job/show", "-n", "app"])).stdout).toBe(0);
      expect((await run("kubectl", ["logs", "job/show", "-n", "app"])).stdout).toBe(
        "hello! hello s3cret plain\n/tmp\n1234\nmode=test\nfrom the host\nshared\n",
      );
    },
  );

  simIt(
    "Services resolve by name between pods (named and numeric targetPorts, one made after its pods); a NodePort answers on 127.0.0.1 at its mapped hostPort, an unmapped one nowhere",
    async () => {
      const hostPort = await freePort();
      await clusterWithConfig(`    extraPortMappings: [{ containerPort: 30080, hostPort: ${hostPort} }]\n`);
      const svc = (name: string, nodePort: number): string => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: app }
spec: { type: NodePort, selector: { app: web }, ports: [{ port: 80, targetPort: http, nodePort: ${nodePort} }] }
`;
      const clusterIp = (name: string, port: number): string =>
        `apiVersion: v1\nkind: Service\nmetadata: { name: ${name}, namespace: app }\nspec: { selector: { app: web }, ports: [{ port: ${port}, targetPort: 8080 }] }\n`;
      const docs = [
        deployment("web", IMAGE, ", ports: [{ containerPort: 8080, name: http }]"),
        svc("web", 30080),
        svc("hidden", 30081),
        clusterIp("direct", 80),
      ].join("---\n");
      expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], docs)).code).toBe(0);
      expect((await run("kubectl", ["rollout", "status", "deployment/web", "-n", "app", "--timeout=30s"])).code).toBe(
        0,
      );
      // Made after the pod: its names are not on it, so this one is reached through a proxy.
      expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], clusterIp("late", 81))).code).toBe(0);
      // Listening, not just created: its program logs once it holds the Service's ports.
      await until("the late Service's proxy", async () => {
        const proxy = leftovers("t", path.join(D(), "state")).find((l) => /--svc-app-late$/.test(l));
        if (!proxy) return undefined;
        const logs = spawnSync("docker", ["logs", proxy.split(" ")[1]!], { encoding: "utf8" });
        return /proxy for \S+ up/.test(logs.stderr + logs.stdout) ? true : undefined;
      });
      const fetches = ["web", "web.app", "web.app.svc.cluster.local", "direct", "late:81"]
        .map(
          (h) => `fetch("http://${h}/from-pod").then((r) => r.json()).then((b) => console.log("${h}", b.port, b.path))`,
        )
        .join(";");
      const client = job("client", `node -e '${fetches}'`);
      expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], client)).code).toBe(0);
      expect(
        (await run("kubectl", ["wait", "--for=condition=complete", "job/client", "-n", "app", "--timeout=30s"])).code,
        (await run("kubectl", ["logs", "job/client", "-n", "app"])).stdout,
      ).toBe(0);
      expect(
        (await run("kubectl", ["logs", "job/client", "-n", "app"])).stdout.split("\n").sort().filter(Boolean),
      ).toEqual([
        "direct 8080 /from-pod",
        "late:81 8080 /from-pod",
        "web 8080 /from-pod",
        "web.app 8080 /from-pod",
        "web.app.svc.cluster.local 8080 /from-pod",
      ]);
      // The pods serve "direct" themselves (its names on the sandbox, 80 forwarded to 8080): no proxy container.
      expect(
        leftovers("t", path.join(D(), "state"))
          .filter((l) => /--svc-app-/.test(l))
          .sort(),
      ).toEqual([
        expect.stringMatching(/--svc-app-hidden$/),
        expect.stringMatching(/--svc-app-late$/),
        expect.stringMatching(/--svc-app-web$/),
      ]);
      const fromHost = await httpGet(`http://127.0.0.1:${hostPort}/from-host`);
      expect(fromHost).toMatchObject({ status: 200 });
      expect(JSON.parse((fromHost as { body: string }).body)).toMatchObject({ port: 8080, path: "/from-host" });
      expect(await httpGet("http://127.0.0.1:30081/")).toHaveProperty("error");
      const node = JSON.parse(
        spawnSync(
          "docker",
          [
            "inspect",
            ...leftovers("t", path.join(D(), "state"))
              .filter((l) => l.endsWith("--t-control-plane"))
              .map((l) => l.split(" ")[1]!),
          ],
          { encoding: "utf8" },
        ).stdout,
      ) as { HostConfig: { PortBindings: Record<string, { HostIp: string }[]> } }[];
      expect(
        Object.values(node[0]!.HostConfig.PortBindings)
          .flat()
          .map((b) => b.HostIp),
      ).toEqual(["127.0.0.1"]);
    },
  );

  simIt(
    "a graceful stop lets Node write real V8 coverage through the hostPath and the node's extraMount; not for an emptyDir, not when killed",
    async () => {
      const host = path.join(D(), "hostcov");
      fs.mkdirSync(host, { mode: 0o777 });
      fs.chmodSync(host, 0o777);
      await clusterWithConfig(`    extraMounts: [{ hostPath: ${host}, containerPath: /paddock-coverage }]\n`);
      const withCoverage = (name: string, volume: string, extra = ""): string =>
        deployment(
          name,
          IMAGE,
          `${extra}, env: [{ name: NODE_V8_COVERAGE, value: /cov }], volumeMounts: [{ name: cov, mountPath: /cov }]`,
          `, terminationGracePeriodSeconds: 2, volumes: [${volume}]`,
        );
      const docs = [
        withCoverage("web", "{ name: cov, hostPath: { path: /paddock-coverage/run/web, type: DirectoryOrCreate } }"),
        withCoverage("tmp", "{ name: cov, emptyDir: {} }"),
        withCoverage(
          "stubborn",
          "{ name: cov, hostPath: { path: /paddock-coverage/stubborn, type: DirectoryOrCreate } }",
          `, command: [node, -e, "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"]`,
        ),
      ].join("---\n");
      const a = await run("kubectl", ["apply", "--server-side", "-f", "-"], docs);
      expect(a.code, a.stderr).toBe(0);
      for (const name of ["web", "tmp", "stubborn"])
        expect(
          (await run("kubectl", ["rollout", "status", `deployment/${name}`, "-n", "app", "--timeout=30s"])).code,
        ).toBe(0);
      expect(fs.readdirSync(path.join(host, "run", "web"))).toEqual([]); // nothing while it runs
      for (const name of ["web", "tmp", "stubborn"])
        await run("kubectl", ["scale", `deployment/${name}`, "--replicas=0", "-n", "app"]);
      for (const name of ["web", "tmp", "stubborn"])
        expect(
          (await run("kubectl", ["wait", "--for=delete", "pod", "-l", `app=${name}`, "-n", "app", "--timeout=30s"]))
            .code,
        ).toBe(0);
      const files = fs.readdirSync(path.join(host, "run", "web"));
      expect(files).toEqual([expect.stringMatching(/^coverage-1-\d+-0\.json$/)]);
      const v8 = JSON.parse(fs.readFileSync(path.join(host, "run", "web", files[0]!), "utf8")) as {
        result: { url: string; functions: { ranges: { count: number }[] }[] }[];
      };
      const server = v8.result.find((r) => r.url === "file:///app/server.js");
      expect(server?.functions.length).toBeGreaterThan(1);
      expect(fs.readdirSync(path.join(host, "stubborn"))).toEqual([]); // SIGKILL after the grace period: no data
      expect(fs.readdirSync(host).sort()).toEqual(["run", "stubborn"]);
    },
  );
});

describe.skipIf(!dockerUp)("kind delete cluster", () => {
  simIt("removes every container, volume and network of the cluster", async () => {
    await createCluster();
    await loadImage();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    const docs = [
      deployment(
        "web",
        IMAGE,
        ", ports: [{ containerPort: 8080, name: http }], volumeMounts: [{ name: scratch, mountPath: /scratch }]",
        ", volumes: [{ name: scratch, emptyDir: {} }]",
      ),
      // A named targetPort: served by a proxy container, one more kind of leftover to check.
      `apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: app }\nspec: { selector: { app: web }, ports: [{ port: 80, targetPort: http }] }\n`,
    ].join("---\n");
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], docs)).code).toBe(0);
    expect((await run("kubectl", ["rollout", "status", "deployment/web", "-n", "app", "--timeout=30s"])).code).toBe(0);
    const before = leftovers("t", path.join(D(), "state"));
    for (const kind of [
      "container psim-.*--t-control-plane",
      "container psim-.*--pod-app-web-",
      "container psim-.*--svc-app-web",
      "volume psim-.*--ed-",
      "network psim-.*-t-net",
    ])
      expect(
        before.some((l) => new RegExp(`^${kind}`).test(l)),
        kind,
      ).toBe(true);
    expect((await run("kind", ["delete", "cluster", "--name", "t"])).code).toBe(0);
    expect(leftovers("t", path.join(D(), "state"))).toEqual([]);
  });
});
