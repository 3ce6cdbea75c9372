import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { ClusterSpec } from "../../config/stack.js";
import { PaddockError } from "../../errors.js";
import { ToolError } from "../../exec/tool-error.js";
import { Kubectl } from "../kubernetes/kubectl.js";
import { keepForwards, keptForwardsFile, stopKeptForwards } from "../kubernetes/kept-forwards.js";
import { PortForwards } from "../kubernetes/port-forward.js";
import type { Environment, EnvironmentOptions, ProviderContext, StartedEnvironment } from "../types.js";
import { checkAllowedContext, writeRunKubeconfig } from "./kubeconfig.js";
import { Heartbeat, namespaceObject, quotaObjects, runNamespace, stillInNamespace } from "./namespace.js";
import { ClusterRun } from "./started.js";

/**
 * A namespace per run on an existing cluster: create = the namespace (labelled, with a heartbeat
 * the run renews), delete = the namespace and everything in it, waited for (bounded). Nothing
 * cluster-scoped is ever deleted.
 */
export class ClusterEnvironment implements Environment {
  readonly namespace: string;
  private readonly kubeconfig: string;
  private readonly kubectl: Kubectl;
  private readonly heartbeat: Heartbeat;
  private readonly forwards: PortForwards;
  private kept = false;
  /** The detached port-forwards a `paddock up` leaves, by namespace, beside the stack (docs/cluster.md). */
  private readonly keptForwards: string;
  /** Where the background work (heartbeat, port-forward restarts) reports: the task log of env:create. */
  private log: (line: string) => void = () => undefined;

  constructor(private readonly options: EnvironmentOptions) {
    const spec = this.spec;
    this.namespace = runNamespace(spec.namespacePrefix, options.run.runId);
    this.kubeconfig = path.join(options.runDir, "kubeconfig");
    this.kubectl = new Kubectl(this.kubeconfig, spec.context);
    this.heartbeat = new Heartbeat(
      this.kubectl,
      () => this.namespaceObject(),
      (line) => this.log(line),
    );
    this.forwards = new PortForwards(this.kubectl, (line) => this.log(line));
    this.keptForwards = keptForwardsFile(options.stack.dir, this.namespace);
  }

  private get spec(): ClusterSpec {
    const spec = this.options.stack.environment.cluster;
    if (!spec) throw new PaddockError("the cluster provider needs environment.cluster", { hint: "docs/cluster.md" });
    return spec;
  }

  private namespaceObject(): ReturnType<typeof namespaceObject> {
    return namespaceObject(this.options.run, this.namespace, this.kept);
  }

  /** Before anything starts: an allowed context, and a registry the cluster can take images from. */
  check(): Promise<void> {
    checkAllowedContext(this.options.stack);
    if (!this.options.imageRegistry)
      return Promise.reject(
        new PaddockError(
          `${this.options.stack.file}: environment.cluster.registry: the registry ${this.spec.registry} is not usable, and the cluster takes images only through it`,
          { hint: "start the registry or correct the address (paddock doctor checks it)" },
        ),
      );
    return Promise.resolve();
  }

  async create(ctx: ProviderContext): Promise<StartedEnvironment> {
    this.log = ctx.log;
    await this.prepareKubeconfig();
    await this.kubectl.apply([this.namespaceObject()], `namespace ${this.namespace}`, ctx.signal);
    this.heartbeat.start();
    // After the namespace: objects in it are rejected until it exists.
    await this.kubectl.apply(quotaObjects(this.spec.quota, this.namespace), "the run's quota", ctx.signal);
    ctx.log(`namespace ${this.namespace} on context ${this.spec.context}; kubeconfig ${this.kubeconfig}`);
    return this.started(false);
  }

  async attach(ctx: ProviderContext): Promise<StartedEnvironment> {
    this.log = ctx.log;
    await this.prepareKubeconfig();
    const found = await this.kubectl.run(["get", "namespace", this.namespace, "--ignore-not-found", "-o", "name"], {
      signal: ctx.signal,
    });
    if (!found.stdout.trim())
      throw new PaddockError(`the namespace ${this.namespace} of this environment is gone`, {
        hint: "`paddock down` forgets it; `paddock up --fresh` starts a new one",
      });
    this.kept = true;
    // The previous `up`'s forwards: this run opens its own, and keeps those if it is kept.
    await stopKeptForwards(this.keptForwards);
    await this.kubectl.apply(
      [this.namespaceObject(), ...quotaObjects(this.spec.quota, this.namespace)],
      `namespace ${this.namespace}`,
      ctx.signal,
    );
    this.heartbeat.start();
    return this.started(true);
  }

  private started(attached: boolean): ClusterRun {
    const keep = async (signal: AbortSignal): Promise<void> => {
      this.kept = true;
      await this.kubectl.apply([this.namespaceObject()], `namespace ${this.namespace}`, signal);
      // The run's forwards end with its process: the same ports, forwarded by detached kubectl processes.
      const specs = this.forwards.specs();
      await this.forwards.close();
      await keepForwards(this.kubectl, specs, this.keptForwards);
    };
    return new ClusterRun(this.options, this.namespace, this.kubectl, this.forwards, this.kubeconfig, keep, attached);
  }

  private async prepareKubeconfig(): Promise<void> {
    await mkdir(this.options.runDir, { recursive: true });
    await writeRunKubeconfig(this.spec, this.namespace, this.kubeconfig);
  }

  /** Deletes the run's namespace and waits until it is gone (bounded); cluster-scoped objects stay. */
  async delete(ctx: ProviderContext): Promise<void> {
    this.heartbeat.stop();
    await this.forwards.close();
    await stopKeptForwards(this.keptForwards);
    if (!existsSync(this.kubeconfig)) await this.prepareKubeconfig();
    const timeout = Math.ceil(this.options.stack.environment.timeoutSeconds);
    try {
      await this.kubectl.run(
        ["delete", "namespace", this.namespace, "--ignore-not-found", "--wait=true", `--timeout=${timeout}s`],
        { signal: ctx.signal },
      );
    } catch (error) {
      if (!(error instanceof ToolError) || ctx.signal.aborted || !/timed out waiting/.test(error.output)) throw error;
      const left = await stillInNamespace(this.kubectl, this.namespace, AbortSignal.timeout(20_000)).catch(() => []);
      throw new PaddockError(
        `namespace ${this.namespace} was not gone within ${timeout}s (environment.timeout)${left.length > 0 ? `; still terminating: ${left.join(", ")}` : ""}`,
        {
          cause: error,
          hint: `a pod that ignores SIGTERM is killed at the end of its terminationGracePeriodSeconds, and a finalizer waits for its controller; the namespace goes on being deleted on its own (\`paddock gc\` removes it if not): kubectl get all -n ${this.namespace}`,
        },
      );
    }
    ctx.log(`namespace ${this.namespace} deleted`);
  }
}
