import type { FieldPath } from "./normalize.js";

/** What a field of the stack file holds, in words, with an example: the vocabulary of schema errors. */
export interface FieldShape {
  expected: string;
  /** Written after the field's key: `ports: [8080]`. */
  example: string;
  /** The fix when the list is empty. */
  whenEmpty?: string;
}

const DURATION: FieldShape = {
  expected: "a duration",
  example: '30s (or "500ms", "2m", "1m30s", or a number of seconds)',
};
const COMMAND: FieldShape = {
  expected: "a list of command words",
  example: '[/app, --port, "8080"]',
  whenEmpty: 'remove it to run the image\'s default, or give the command, e.g. [/app, --port, "8080"]',
};
const TEXT_VALUE: FieldShape = {
  expected: "a text value (a string, a number or true/false)",
  example: 'debug (a structured value must be quoted text, e.g. \'{"level": "debug"}\')',
};
const VARIABLES: FieldShape = {
  expected: "a mapping of variable names to values",
  example: "{ LOG_LEVEL: debug, PORT: 8080 }",
};
const PORT_NUMBER: FieldShape = { expected: "a container port number (1-65535)", example: "8080" };
const FILES: FieldShape = { expected: "a list of file paths", example: "[deploy/api.yaml]" };

const WORKLOAD: Record<string, FieldShape> = {
  "": { expected: "a mapping of the workload's fields", example: "{ image: api, ports: [8080] }" },
  image: { expected: "a stack image name or an image reference", example: 'api (or "redis:7")' },
  command: COMMAND,
  entrypoint: { ...COMMAND, example: "[/bin/sh, -c]" },
  env: VARIABLES,
  "env.*": TEXT_VALUE,
  secretEnv: { expected: "a list of env names", example: "[POSTGRES_PASSWORD]" },
  volumes: { expected: "a list of volumes", example: '["./fixtures:/fixtures:ro", "cache:/var/cache/api"]' },
  "volumes.[]": { expected: "a volume", example: '"./fixtures:/fixtures:ro" or "cache:/var/cache/api"' },
  dependsOn: { expected: "a list of service and job names", example: "[postgresql, migrations]" },
  timeout: DURATION,
  manifests: FILES,
  images: { expected: "a list of stack image names", example: "[api]" },
  namespace: { expected: "a Kubernetes namespace name", example: "shop" },
  ports: { expected: "a list of ports", example: '[8080] or ["18080:8080"]' },
  "ports.[]": { expected: "a port", example: '8080 or "18080:8080"' },
  ready: {
    expected: "a readiness check (one of http, tcp, exec, log, healthcheck)",
    example: "{ http: { port: 8080, path: /healthz } }",
  },
  "ready.http": { expected: "an http check", example: "{ port: 8080, path: /healthz }" },
  "ready.http.port": PORT_NUMBER,
  "ready.http.path": { expected: "a URL path starting with /", example: "/healthz" },
  "ready.http.status": { expected: "an HTTP status code", example: "200" },
  "ready.tcp": PORT_NUMBER,
  "ready.exec": {
    ...COMMAND,
    example: "[pg_isready, -U, postgres]",
    whenEmpty: "give the command, e.g. [pg_isready, -U, postgres]",
  },
  "ready.log": { expected: "text the output must contain", example: '"listening on"' },
  "ready.healthcheck": { expected: "true", example: "true" },
  "ready.interval": DURATION,
  url: { expected: "an endpoint template", example: '"http://{host}:{port}"' },
};

const TOP: Record<string, FieldShape> = {
  "": { expected: "a mapping (name:, images:, services: ...)", example: "name: shop" },
  name: { expected: "the stack's name", example: "shop" },
  include: { expected: "a list of file paths", example: "[shared/datastore.yaml]" },
  environment: { expected: "a mapping", example: "{ provider: docker }" },
  "environment.maxIdle": DURATION,
  "environment.timeout": DURATION,
  "environment.bootstrap.namespaces": { expected: "a list of namespace names", example: "[shop]" },
  "environment.bootstrap.crds": { expected: "a list of files or globs", example: "[config/crd/*.yaml]" },
  "environment.bootstrap.manifests": { expected: "a list of files or globs", example: "[deploy/configmaps.yaml]" },
  build: { expected: "a mapping", example: "{ builder: auto, network: host }" },
  "build.timeout": DURATION,
  resources: { expected: "a mapping", example: "{ buildSlots: 2 }" },
  images: { expected: "a mapping of image names to images", example: "{ api: { dockerfile: Dockerfile } }" },
  "images.*": {
    expected: "an image (a mapping with dockerfile, ref or command)",
    example: '{ dockerfile: Dockerfile } or { ref: "postgres:16" }',
  },
  "images.*.args": { expected: "a mapping of build args", example: '{ VERSION: "1.2" }' },
  "images.*.args.*": TEXT_VALUE,
  "images.*.command": {
    ...COMMAND,
    example: "[bash, scripts/make-image.sh]",
    whenEmpty: "give the builder command, e.g. [bash, scripts/make-image.sh]",
  },
  "images.*.inputs": FILES,
  "images.*.ref": { expected: "an image reference", example: '"postgres:16"' },
  services: { expected: "a mapping of service names to services", example: "{ api: { image: api, ports: [8080] } }" },
  jobs: { expected: "a mapping of job names to jobs", example: "{ migrations: { image: api, command: [/migrate] } }" },
  test: { expected: "a mapping", example: "{ command: [npm, test] }" },
  "test.command": {
    expected: "a list of command words or a shell command line",
    example: '[go, test, ./e2e/...] or "npm test"',
    whenEmpty: "give the test command, e.g. [npm, test]",
  },
  "test.env": VARIABLES,
  "test.env.*": TEXT_VALUE,
  "test.cwd": { expected: "a directory path", example: "tests" },
  "test.timeout": DURATION,
  coverage: { expected: "false (to turn coverage off)", example: "false" },
};

/** Record keys become `*`, list indices `[]`: `services.api.ports[0]` → `services.*` and `ports.[]`. */
function shapeParts(fieldPath: FieldPath): string[] {
  const parts: string[] = [];
  fieldPath.forEach((part, i) => {
    const parent = fieldPath[i - 1];
    const recordKey =
      (i === 1 && ["images", "services", "jobs"].includes(String(fieldPath[0]))) ||
      parent === "env" ||
      parent === "args";
    parts.push(typeof part === "number" ? "[]" : recordKey ? "*" : part);
  });
  return parts;
}

/** The shape of the field at `fieldPath`, when the table knows it. */
export function fieldShape(fieldPath: FieldPath): FieldShape | undefined {
  const parts = shapeParts(fieldPath);
  if ((parts[0] === "services" || parts[0] === "jobs") && parts[1] === "*") return WORKLOAD[parts.slice(2).join(".")];
  return TOP[parts.join(".")];
}

/** The field's own key, for examples: `ports` of `services.redis.ports`. */
export function fieldKey(fieldPath: FieldPath): string {
  for (let i = fieldPath.length - 1; i >= 0; i--) {
    const part = fieldPath[i];
    if (typeof part === "string") return part;
  }
  return "";
}
