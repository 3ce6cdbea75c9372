import path from "node:path";
import { loadStack } from "../../src/config/load.js";
import type { Stack } from "../../src/config/stack.js";
import { CRD } from "./crd.js";
import { freePort, writeFiles } from "./helpers.js";

export { CRD };

const POLICIES = `apiVersion: v1
kind: ConfigMap
metadata: { name: policy-a, namespace: app }
data: { a.rego: "package a" }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: policy-b, namespace: app }
data: { b.rego: "package b" }
---
apiVersion: example.com/v1
kind: Widget
metadata: { name: default-widget, namespace: app }
spec: { size: 1 }
`;

export const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: example.registry/team/web:dev
          ports: [{ containerPort: 8080 }]
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ port: 8080, targetPort: 8080, nodePort: 30082 }]
`;

export interface StackOptions {
  reuse?: boolean;
  extra?: Record<string, string>;
  stackExtra?: string;
  coverage?: "node" | "go";
  /** The host port the Kind config maps to web's NodePort 30082 (default: a free one). */
  webHostPort?: number;
  /** The rendered cache service: what it runs (default: the test server on 6379) and its environment. */
  cacheCommand?: string[];
  cacheEnv?: Record<string, string>;
  /** The rendered migrate job's command (default: it lists the migrations it was given). */
  migrateCommand?: string[];
}

/**
 * A small stack for the kind provider: bootstrap with a CRD, a manifest service, a rendered service and
 * a rendered job. The images are the test image (testImage() in helpers.ts): web runs its server on 8080.
 */
export function writeStack(dir: string, options: StackOptions = {}): Stack {
  const flow = (v: unknown): string => JSON.stringify(v);
  const cacheCommand = options.cacheCommand ?? ["node", "/app/server.js", "6379"];
  const migrateCommand = options.migrateCommand ?? ["sh", "-c", "ls /migrations"];
  writeFiles(dir, {
    "kind-config.yaml": `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    extraPortMappings:
      - { containerPort: 30082, hostPort: ${options.webHostPort ?? freePort()} }
    extraMounts:
      - { hostPath: ./coverage, containerPath: /coverage }
`,
    "crds/widgets.yaml": CRD,
    "config/policies.yaml": POLICIES,
    "manifests/web.yaml": WEB,
    "migrations/001.sql": "create table t (id int);\n",
    "paddock.yaml": `name: kind-test
environment:
  provider: kind
  reuse: ${options.reuse ? "true" : "false"}
  kind: { config: kind-config.yaml }
  bootstrap:
    namespaces: [app]
    crds: ["crds/*.yaml"]
    manifests: ["config/*.yaml"]
images:
  web: { ref: "paddock-test/web:placeholder"${options.coverage ? `, coverage: ${options.coverage}` : ""} }
services:
  cache:
    image: web
    namespace: app
    command: ${flow(cacheCommand)}
${options.cacheEnv ? `    env: ${flow(options.cacheEnv)}\n` : ""}    ports: [6379]
    ready: { tcp: 6379 }
  web:
    manifests: [manifests/web.yaml]
    images: [web]
    namespace: app
    url: "http://{host}:{port}/api"
    dependsOn: [cache]
jobs:
  migrate:
    image: web
    namespace: app
    command: ${flow(migrateCommand)}
    volumes: ["./migrations:/migrations:ro"]
${options.stackExtra ?? ""}`,
    ...options.extra,
  });
  return loadStack(path.join(dir, "paddock.yaml"));
}
