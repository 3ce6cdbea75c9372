import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import YAML from "yaml";
import { PaddockError } from "../../errors.js";
import { asArray, isRecord, type Json } from "../kubernetes/kube-object.js";

export const KIND_API_VERSION = "kind.x-k8s.io/v1alpha4";
/** Published NodePorts listen here unless the config says otherwise (kind's own default is 0.0.0.0). */
export const LOOPBACK = "127.0.0.1";

/** One `extraPortMappings` entry: a node's port (a NodePort) published on the host. */
export interface PortMapping {
  containerPort: number;
  hostPort: number | undefined;
  listenAddress: string;
  protocol: string;
}

/**
 * The Kind cluster config a run uses: the stack's file as written when it needs nothing, else an
 * adjusted copy in the run directory — published ports bound to 127.0.0.1 when the file does not
 * say, extraMounts' relative host paths made absolute (relative to the config file), and the
 * NodePort mappings Paddock adds for the workloads it renders. Without a file, Paddock generates one.
 */
export class KindConfig {
  private readonly notes: string[] = [];
  private changed: boolean;

  private constructor(
    private readonly doc: Json,
    readonly source: string | undefined,
  ) {
    this.changed = source === undefined;
    this.normalize();
  }

  static load(file: string | undefined): KindConfig {
    if (file === undefined) {
      const generated: Json = { kind: "Cluster", apiVersion: KIND_API_VERSION, nodes: [{ role: "control-plane" }] };
      return new KindConfig(generated, undefined);
    }
    let doc: unknown;
    try {
      doc = YAML.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new PaddockError(`Kind config ${file} is not valid YAML: ${(error as Error).message.split("\n")[0]}`, {
        hint: "fix the file named by environment.kind.config",
      });
    }
    if (!isRecord(doc) || doc["kind"] !== "Cluster" || doc["apiVersion"] !== KIND_API_VERSION) {
      throw new PaddockError(
        `Kind config ${file} is not a kind Cluster config (kind: Cluster, apiVersion: ${KIND_API_VERSION})`,
        {
          hint: "see https://kind.sigs.k8s.io/docs/user/configuration/",
        },
      );
    }
    return new KindConfig(doc, file);
  }

  /** What Paddock changed in the stack's config, for the task log. */
  get adjustments(): readonly string[] {
    return this.notes;
  }

  private nodes(): Json[] {
    if (!Array.isArray(this.doc["nodes"])) this.doc["nodes"] = [{ role: "control-plane" }];
    return (this.doc["nodes"] as unknown[]).filter(isRecord);
  }

  private normalize(): void {
    const base = this.source ? path.dirname(this.source) : process.cwd();
    this.nodes().forEach((node, i) => {
      for (const mapping of asArray(node["extraPortMappings"]).filter(isRecord)) {
        if (mapping["listenAddress"] === undefined) {
          mapping["listenAddress"] = LOOPBACK;
          this.note(
            `nodes[${i}]: extraPortMappings containerPort ${String(mapping["containerPort"])} → listenAddress ${LOOPBACK} (kind's default would publish it on every interface)`,
          );
        }
      }
      for (const mount of asArray(node["extraMounts"]).filter(isRecord)) {
        const hostPath = mount["hostPath"];
        if (typeof hostPath !== "string") continue;
        if (!path.isAbsolute(hostPath)) {
          mount["hostPath"] = path.resolve(base, hostPath);
          this.note(
            `nodes[${i}]: extraMounts hostPath ${hostPath} → ${String(mount["hostPath"])} (relative to the config file)`,
          );
        }
        // Docker would create a missing mount source as root; create it as the user instead.
        if (!existsSync(mount["hostPath"] as string)) mkdirSync(mount["hostPath"] as string, { recursive: true });
      }
    });
  }

  private note(text: string): void {
    this.notes.push(text);
    this.changed = true;
  }

  /** Every port mapping, with kind's defaults filled in. */
  get mappings(): PortMapping[] {
    return this.nodes().flatMap((node) =>
      asArray(node["extraPortMappings"])
        .filter(isRecord)
        .filter((m) => typeof m["containerPort"] === "number")
        .map((m) => ({
          containerPort: m["containerPort"] as number,
          hostPort: typeof m["hostPort"] === "number" && m["hostPort"] > 0 ? m["hostPort"] : undefined,
          listenAddress: typeof m["listenAddress"] === "string" ? m["listenAddress"] : "0.0.0.0",
          protocol: typeof m["protocol"] === "string" ? m["protocol"].toUpperCase() : "TCP",
        })),
    );
  }

  /** The TCP mapping that publishes a node port, if any. */
  mappingFor(nodePort: number): PortMapping | undefined {
    return this.mappings.find((m) => m.containerPort === nodePort && m.protocol === "TCP");
  }

  /** Publishes a node port on 127.0.0.1 (added to the first control-plane node, where kind's NodePorts answer). */
  addMapping(nodePort: number, hostPort: number): void {
    const nodes = this.nodes();
    const target = nodes.find((n) => (n["role"] ?? "control-plane") === "control-plane") ?? nodes[0];
    if (!target) return;
    const list = Array.isArray(target["extraPortMappings"]) ? (target["extraPortMappings"] as unknown[]) : [];
    list.push({ containerPort: nodePort, hostPort, listenAddress: LOOPBACK, protocol: "TCP" });
    target["extraPortMappings"] = list;
    this.note(`added extraPortMappings ${LOOPBACK}:${hostPort} → NodePort ${nodePort}`);
  }

  /**
   * Coverage: every node mounts a host folder at `containerPath` (kind's `extraMounts`), so what
   * the services write there through a hostPath volume is on this machine. A node that already
   * mounts something at `containerPath` keeps it; the others get the first such mount's host path,
   * or `defaultHostPath` when no node has one. Returns the distinct host paths (created if missing).
   */
  ensureCoverageMount(containerPath: string, defaultHostPath: string): string[] {
    const nodes = this.nodes();
    const mountOf = (node: Json): Json | undefined =>
      asArray(node["extraMounts"])
        .filter(isRecord)
        .find((m) => m["containerPath"] === containerPath && typeof m["hostPath"] === "string");
    const declared = nodes.map(mountOf).find((m) => m !== undefined);
    const hostPath = declared ? (declared["hostPath"] as string) : defaultHostPath;
    nodes.forEach((node, i) => {
      const own = mountOf(node);
      if (own) {
        if (own["readOnly"] === true) {
          own["readOnly"] = false;
          this.note(`nodes[${i}]: extraMounts ${containerPath} made writable (services write their coverage there)`);
        }
        return;
      }
      const list = Array.isArray(node["extraMounts"]) ? (node["extraMounts"] as unknown[]) : [];
      list.push({ hostPath, containerPath });
      node["extraMounts"] = list;
      this.note(
        `nodes[${i}]: added extraMounts ${hostPath} → ${containerPath} (coverage data reaches this machine through it)`,
      );
    });
    const paths = [
      ...new Set(
        nodes
          .map(mountOf)
          .map((m) => m?.["hostPath"])
          .filter((p): p is string => typeof p === "string"),
      ),
    ];
    for (const p of paths) mkdirSync(p, { recursive: true });
    return paths;
  }

  /**
   * Nodes that pull from a registry: containerd reads per-registry host files (`config_path`,
   * one containerdConfigPatches entry) from `certsDir`, which every node mounts read-only from
   * `hostDir`. A node that mounts something at `certsDir` already keeps its own.
   */
  useRegistryHosts(hostDir: string, certsDir: string, configPatch: string): void {
    const patches = asArray(this.doc["containerdConfigPatches"]).filter((p): p is string => typeof p === "string");
    this.doc["containerdConfigPatches"] = [...patches, configPatch];
    this.note(`containerdConfigPatches: config_path = "${certsDir}" (the nodes pull from the registry)`);
    this.nodes().forEach((node, i) => {
      const mounts = asArray(node["extraMounts"]).filter(isRecord);
      if (mounts.some((m) => m["containerPath"] === certsDir)) {
        this.note(`nodes[${i}]: keeps its own extraMounts at ${certsDir}: it must route the registry itself`);
        return;
      }
      node["extraMounts"] = [...mounts, { hostPath: hostDir, containerPath: certsDir, readOnly: true }];
      this.note(`nodes[${i}]: added extraMounts ${hostDir} → ${certsDir} (containerd's registry hosts)`);
    });
  }

  /** The file for `kind create cluster --config`: the stack's own when unchanged, else `<runDir>/kind-config.yaml`. */
  async write(runDir: string): Promise<string> {
    if (!this.changed && this.source) return this.source;
    const file = path.join(runDir, "kind-config.yaml");
    const header = this.source
      ? `# Paddock's adjusted copy of ${this.source}\n`
      : "# Generated by Paddock (no environment.kind.config in the stack)\n";
    await writeFile(file, header + YAML.stringify(this.doc, { lineWidth: 0 }), { mode: 0o644 });
    return file;
  }
}
