import { z } from "zod";
import { lintConfigSchema } from "../lint/config.js";
import { nameSchema, variableNameSchema } from "./names.js";
import { MAX_PORT } from "./ports.js";

/**
 * The stack file's schema. Values stay as written (durations as text, paths relative);
 * `normalize.ts` turns a validated file into a `Stack` with seconds and absolute paths.
 */

/** A container port: 1 to 65535, with the value in the message. */
const port = z
  .number()
  .int()
  .min(1, { error: (issue) => `port ${String(issue.input)} is out of range: ports are 1 to ${MAX_PORT}` })
  .max(MAX_PORT, { error: (issue) => `port ${String(issue.input)} is out of range: ports are 1 to ${MAX_PORT}` });

/** An empty command is refused: it would run the image's default (a job then waits out its timeout). */
const commandWords = z.array(z.string()).min(1, "is an empty list");

/** Kubernetes namespaces are RFC 1123 labels. */
const namespaceName = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a Kubernetes namespace name: lowercase letters, digits and '-', at most 63 characters`,
});

/** "30s", "2m", "500ms", "1m30s" or a number of seconds. Checked in `normalize.ts` so the error names the field. */
const duration = z
  .union([z.number().nonnegative(), z.string()])
  .describe('a duration: "500ms", "30s", "2m", "1m30s", or seconds');

const stringMap = z.record(variableNameSchema, z.union([z.string(), z.number(), z.boolean()]).transform(String));

export const coverageKindSchema = z.enum(["go", "node"]);

export const imageSchema = z
  .strictObject({
    dockerfile: z.string().optional().describe("Dockerfile path, relative to the stack file"),
    context: z.string().optional().describe("build context directory (default: the Dockerfile's directory)"),
    args: stringMap
      .optional()
      .describe('build args; "${images.NAME}" is replaced by that stack image\'s tag and orders the builds'),
    target: z.string().optional().describe("multi-stage target"),
    network: z.string().optional().describe('network mode during build, e.g. "host"'),
    ref: z.string().optional().describe('an upstream image used as is, e.g. "postgres:16"'),
    command: commandWords
      .optional()
      .describe("a custom builder: a command that makes the image named by $PADDOCK_IMAGE"),
    inputs: z.array(z.string()).optional().describe("files a custom command reads; they form its content key"),
    coverage: z.union([coverageKindSchema, z.literal(false)]).optional(),
  })
  .describe("exactly one of dockerfile, ref, command");

const httpCheck = z.strictObject({
  port,
  path: z
    .string()
    .regex(/^\//, { error: (issue) => `path ${JSON.stringify(issue.input)} does not start with "/"` })
    .default("/"),
  status: z.number().int().optional().describe("expected status (default: any 2xx)"),
});

export const readySchema = z
  .strictObject({
    http: httpCheck.optional(),
    tcp: port.optional().describe("container port that must accept connections"),
    exec: commandWords.optional().describe("command run inside the container; exit 0 means ready"),
    log: z.string().optional().describe("text the container's output must contain"),
    healthcheck: z.boolean().optional().describe("wait for the image's Docker HEALTHCHECK to report healthy"),
    interval: duration.optional().describe("poll interval (default 50ms for http and tcp, 200ms for the others)"),
  })
  .describe("exactly one readiness check");

const workloadFields = {
  image: z.string().optional().describe("a stack image name or an upstream reference"),
  command: commandWords.optional(),
  entrypoint: commandWords.optional(),
  env: stringMap.optional(),
  secretEnv: z.array(z.string()).optional().describe("env keys whose values are redacted from logs and reports"),
  volumes: z
    .array(z.string())
    .optional()
    .describe('"./host/path:/container/path[:ro]" or "name:/path" (a volume labelled with the run)'),
  dependsOn: z.array(z.string()).optional(),
  timeout: duration.optional(),
  manifests: z.array(z.string()).optional().describe("Kubernetes manifests (kind/cluster providers)"),
  images: z.array(z.string()).optional().describe("stack images the manifests use"),
  namespace: namespaceName.optional(),
};

export const serviceSchema = z.strictObject({
  ...workloadFields,
  ports: z
    .array(z.union([port, z.string()]))
    .optional()
    .describe('container ports: 8080, or "18080:8080" to fix the host port'),
  ready: readySchema.optional(),
  url: z.string().optional().describe('endpoint template for tests, default "http://{host}:{port}"'),
  restartOnChange: z
    .array(z.string())
    .optional()
    .describe("dependencies (in dependsOn) whose replacement in an update in place restarts this service"),
});

export const jobSchema = z.strictObject({ ...workloadFields });

export const environmentSchema = z.strictObject({
  provider: z.enum(["docker", "kind", "cluster"]).default("docker"),
  maxIdle: duration.optional().describe("longest the environment may be predicted to sit ready before first use"),
  reuse: z.boolean().optional().describe("keep the environment between runs on purpose"),
  docker: z.strictObject({ network: z.string().optional() }).optional(),
  kind: z
    .strictObject({
      config: z.string().optional().describe("Kind cluster config file"),
      nodeImage: z.string().optional(),
      name: z.string().optional(),
      registry: z
        .boolean()
        .optional()
        .describe(
          "nodes pull the stack's images from the cache registry instead of `kind load` (default: when the nodes can reach it)",
        ),
    })
    .optional(),
  cluster: z
    .strictObject({
      kubeconfig: z.string().optional().describe("kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)"),
      context: z.string().describe("the kubeconfig context of the shared cluster"),
      allowContexts: z
        .array(z.string())
        .min(1)
        .describe("the only contexts a run may deploy to: a typo must never reach another cluster"),
      registry: z
        .string()
        .describe("registry the cluster pulls from, e.g. registry.internal:5000/e2e (pushed by content key)"),
      namespacePrefix: z
        .string()
        .regex(/^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$/)
        .optional()
        .describe("the run namespace is <prefix>-<run id> (default pdk)"),
      quota: z
        .strictObject({
          cpu: z.string().optional().describe('requests.cpu of the run\'s namespace, e.g. "2" or 1500m'),
          memory: z.string().optional().describe("requests.memory, e.g. 4Gi"),
          pods: z.number().int().positive().optional(),
        })
        .optional()
        .describe("a ResourceQuota of the run's namespace, so one suite cannot starve the others"),
    })
    .optional(),
  bootstrap: z
    .strictObject({
      namespaces: z.array(namespaceName).optional(),
      crds: z.array(z.string()).optional().describe("CRD manifest files or globs"),
      manifests: z.array(z.string()).optional().describe("ConfigMaps, Secrets and other objects, files or globs"),
      clusterScoped: z
        .enum(["share", "apply"])
        .optional()
        .describe(
          "cluster provider: cluster-scoped objects that differ from the installed ones are an error (share) or applied over them",
        ),
    })
    .optional(),
  timeout: duration.optional(),
});

export const buildSchema = z.strictObject({
  builder: z.enum(["auto", "docker", "podman"]).default("auto"),
  noCache: z.boolean().default(false).describe("disable the layer cache (slow: every layer is rebuilt on every run)"),
  network: z.string().optional().describe('default network mode for builds, e.g. "host"'),
  timeout: duration.optional(),
});

export const resourcesSchema = z.strictObject({
  buildSlots: z.number().int().positive().optional(),
  loadSlots: z.number().int().positive().optional(),
  apiSlots: z.number().int().positive().optional(),
  memory: z
    .union([z.string(), z.number().positive()])
    .optional()
    .describe(
      'memory the environment needs while it runs, e.g. "2GiB" (a workspace starts environments as memory allows)',
    ),
});

export const testSchema = z.strictObject({
  command: z.union([z.array(z.string()).min(1), z.string().min(1)]),
  env: stringMap.optional(),
  cwd: z.string().optional(),
  timeout: duration.optional(),
});

export const stackFileSchema = z.strictObject({
  name: nameSchema("stack"),
  include: z.array(z.string()).optional().describe("YAML fragments merged under this file (this file wins)"),
  environment: environmentSchema.default({ provider: "docker" }),
  build: buildSchema.optional(),
  resources: resourcesSchema.optional(),
  images: z.record(nameSchema("image"), imageSchema).default({}),
  services: z.record(nameSchema("workload"), serviceSchema).default({}),
  jobs: z.record(nameSchema("workload"), jobSchema).default({}),
  test: testSchema.optional(),
  coverage: z.literal(false).optional().describe("false turns coverage collection off for the whole stack"),
  lint: lintConfigSchema.optional().describe("Dockerfile lint settings; see docs/lint.md"),
  cache: z
    .strictObject({
      registry: z
        .string()
        .describe(
          "HOST[:PORT]/PATH of a registry that caches images by content key, e.g. 127.0.0.1:5000/paddock/cache",
        ),
      insecure: z
        .boolean()
        .optional()
        .describe("allow plain HTTP to a registry that is not on loopback (a trusted private network only)"),
    })
    .optional()
    .describe("a build cache shared across machines; see docs/caching.md"),
});

export type StackFile = z.infer<typeof stackFileSchema>;
export type ImageFile = z.infer<typeof imageSchema>;
export type ServiceFile = z.infer<typeof serviceSchema>;
export type JobFile = z.infer<typeof jobSchema>;
export type ReadyFile = z.infer<typeof readySchema>;

export function stackJsonSchema(): unknown {
  return z.toJSONSchema(stackFileSchema, { io: "input", unrepresentable: "any" });
}
