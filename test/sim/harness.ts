// TEST SIMULATOR — not the real kind/kubectl. The harness of the simulator's own contract tests
// (sim*.test.ts): each test in a state directory of its own, kind/kubectl run asynchronously.
import { it, expect, beforeAll } from "vitest";
import { AsyncLocalStorage } from "node:async_hooks";
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { simTestImage } from "./test-image.js";

export const BIN = path.join(import.meta.dirname, "bin");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Each test has its own simulator state (tests run concurrently): its folder, found through the async context. */
export const current = new AsyncLocalStorage<{ dir: string }>();
export const D = (): string => current.getStore()!.dir;
export function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ""}`,
    PADDOCK_SIM_DIR: path.join(D(), "state"),
    HOME: D(),
    KUBECONFIG: "",
  };
}
export function run(cmd: "kind" | "kubectl", args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const p = execFile(
      path.join(BIN, cmd),
      args,
      { env: env(), encoding: "utf8", cwd: D(), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
    p.stdin?.end(input);
  });
}
export function writeSim(cfg: Record<string, unknown>): void {
  fs.mkdirSync(path.join(D(), "state"), { recursive: true });
  fs.writeFileSync(
    path.join(D(), "state", "sim.json"),
    JSON.stringify({ timeScale: 0.01, clusterCreateSeconds: 10, ...cfg }),
  );
}
export function file(name: string, text: string): string {
  const p = path.join(D(), name);
  fs.writeFileSync(p, text);
  return p;
}
export async function createCluster(name = "t"): Promise<void> {
  const r = await run("kind", ["create", "cluster", "--name", name, "--wait", "60s"]);
  expect(r.code, r.stderr).toBe(0);
}
export const dockerUp =
  spawnSync(fs.existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker", ["info"]).status === 0;
if (!dockerUp && process.env["CI"])
  throw new Error("the Docker engine does not answer, and CI is set: the simulator runs its clusters on it");
/** The test workload image (Node + a small HTTP server), loaded into the cluster. */
export let IMAGE = "";
export async function loadImage(cluster = "t"): Promise<void> {
  const r = await run("kind", ["load", "docker-image", IMAGE, "--name", cluster]);
  expect(r.code, r.stderr).toBe(0);
}
export function json<T>(r: Run): T {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}
/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
export { freeLocalPort as freePort } from "../helpers/ports.js";
export async function httpGet(url: string): Promise<{ status: number; body: string } | { error: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.text() };
  } catch (e) {
    return { error: String((e as Error & { cause?: unknown }).cause ?? e) };
  }
}

export const NS = `apiVersion: v1
kind: Namespace
metadata:
  name: app
`;
export const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Widget, plural: widgets, singular: widget }
  versions: [{ name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object } } }]
`;
export const CR = `apiVersion: example.com/v1
kind: Widget
metadata: { name: w1, namespace: app }
`;
export const CM = `apiVersion: v1
kind: ConfigMap
metadata: { name: cfg, namespace: app }
data: { a: "1" }
`;
export const deployment = (name: string, image: string, extra = "", podExtra = ""): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: app }
spec:
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: ${name}, image: "${image}"${extra} }]${podExtra} }
`;
export const job = (name: string, script: string): string => `apiVersion: batch/v1
kind: Job
metadata: { name: ${name}, namespace: app }
spec:
  backoffLimit: 0
  template:
    spec: { restartPolicy: Never, containers: [{ name: main, image: "${IMAGE}", command: [sh, -c, ${JSON.stringify(script)}] }] }
`;

/** Registers the test image's build (once per file) before the file's tests. */
export function useTestImage(): void {
  beforeAll(() => {
    if (dockerUp) IMAGE = simTestImage();
  });
}

/** A test in a fresh simulator state of its own; the clusters it made are deleted after it, also when it fails. */
export function inSim(fn: () => Promise<void> | void): () => Promise<void> {
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
export const OPTIONS = { concurrent: true, timeout: 120_000 };
export const simIt = (name: string, fn: () => Promise<void> | void): void => it(name, OPTIONS, inSim(fn));
simIt.skipIf =
  (condition: boolean) =>
  (name: string, fn: () => Promise<void> | void): void =>
    it.skipIf(condition)(name, OPTIONS, inSim(fn));

/** A minimal docker-save style archive holding only manifest.json. */
export function tarWithManifest(manifest: unknown): Buffer {
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
