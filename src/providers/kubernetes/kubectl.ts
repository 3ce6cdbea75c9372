import { PaddockError } from "../../errors.js";
import { defaultRunner, type CommandRunner } from "../../exec/command-runner.js";
import { DEFAULT_TRANSIENT, type RunToolOptions, type ToolResult } from "../../exec/run-tool.js";
import { isRecord, serializeObjects, type Json, type KubeObject } from "./kube-object.js";

/** API-server hiccups worth a retry (a fresh control plane, a busy etcd). */
export const API_TRANSIENT = [
  ...DEFAULT_TRANSIENT,
  /The connection to the server .* was refused/i,
  /etcdserver: request timed out/i,
  /the server is currently unable to handle the request/i,
  /net\/http: request canceled/i,
];

/** The field manager of everything Paddock applies (server-side apply). */
export const FIELD_MANAGER = "paddock";

/**
 * kubectl, always pointed at the run's own kubeconfig and the cluster's context (never the
 * user's ~/.kube/config or current context). Arguments are arrays; manifests go through stdin.
 */
export class Kubectl {
  constructor(
    readonly kubeconfig: string,
    readonly context: string,
    private readonly runner: CommandRunner = defaultRunner,
  ) {}

  run(args: string[], options: Omit<RunToolOptions, "env"> = {}): Promise<ToolResult> {
    return this.runner("kubectl", [...args, "--kubeconfig", this.kubeconfig, "--context", this.context], {
      transient: API_TRANSIENT,
      ...options,
      env: { KUBECONFIG: this.kubeconfig },
    });
  }

  /**
   * One server-side apply of many objects (one multi-document stdin): idempotent, no "already exists"
   * races. `--force-conflicts`: Paddock's manifests are the truth of a test environment, even after
   * someone ran `kubectl scale` or `kubectl edit` on a kept cluster.
   */
  async apply(objects: readonly KubeObject[], what: string, signal: AbortSignal): Promise<string[]> {
    if (objects.length === 0) return [];
    const result = await this.run(
      ["apply", "--server-side", `--field-manager=${FIELD_MANAGER}`, "--force-conflicts", "-f", "-"],
      {
        signal,
        input: serializeObjects(objects),
        describeFailure: (output) => ({
          summary: `applying ${what} failed (kubectl apply --server-side, ${objects.length} objects)`,
          hint: /ensure CRDs are installed first/.test(output)
            ? "a custom resource's CRD is missing: list it under environment.bootstrap.crds so it is installed (and Established) before the workloads"
            : /namespaces? "[^"]+" not found/.test(output)
              ? "create the namespace first: list it under environment.bootstrap.namespaces"
              : "the output above names the object and field kubectl rejected",
        }),
      },
    );
    return result.stdout
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
  }

  /** `kubectl get ... -o json`, parsed. */
  async getJson(args: string[], signal: AbortSignal): Promise<Json> {
    const result = await this.run(["get", ...args, "-o", "json"], { signal });
    const parsed: unknown = JSON.parse(result.stdout || "{}");
    if (!isRecord(parsed)) throw new PaddockError(`kubectl get ${args.join(" ")} returned no object`);
    return parsed;
  }

  /** The items of a `kubectl get ... -o json` list. */
  async list(args: string[], signal: AbortSignal): Promise<Json[]> {
    const list = await this.getJson(args, signal);
    return Array.isArray(list["items"]) ? (list["items"] as unknown[]).filter(isRecord) : [];
  }
}
