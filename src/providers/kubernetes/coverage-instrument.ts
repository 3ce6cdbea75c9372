import type { CoverageKind } from "../../config/stack.js";
import { COVERAGE_DIR_IN_CONTAINER, coverageEnv } from "../../coverage/runtime.js";
import { asArray, isRecord, nested, type Json, type KubeObject } from "./kube-object.js";
import { podSpecs } from "./manifests.js";

/** The pod volume that carries a service's coverage directory. */
export const COVERAGE_VOLUME = "paddock-coverage";

/** Objects whose pods Paddock stops at collection: scaled to zero, or deleted (bare Pods, DaemonSets). */
export const STOPPABLE_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Pod"]);

/** A workload object whose pods write coverage: what collection stops and waits for. */
export interface CoverageController {
  kind: string;
  name: string;
  namespace: string;
  /** `k=v,k2=v2` for `kubectl -l`, from the selector's matchLabels (or the template's labels). */
  selector: string | undefined;
  /** The pods' terminationGracePeriodSeconds (Kubernetes' default 30). */
  graceSeconds: number;
}

export interface Instrumented {
  controllers: CoverageController[];
  /** Environment variables the manifests set themselves and Paddock replaced, for the task log. */
  replaced: string[];
}

function selectorOf(object: KubeObject): string | undefined {
  const labels =
    nested(object, "spec", "selector", "matchLabels") ?? nested(object, "spec", "template", "metadata", "labels");
  if (!isRecord(labels)) return undefined;
  const pairs = Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === "string");
  return pairs.length > 0 ? pairs.map(([k, v]) => `${k}=${v}`).join(",") : undefined;
}

function upsertByName(list: unknown[], entry: Json): unknown[] {
  return [...list.filter((e) => !(isRecord(e) && e["name"] === entry["name"])), entry];
}

/**
 * Makes the containers that run a coverage image write their coverage where this machine sees it:
 * the runtime's variable (`GOCOVERDIR`/`NODE_V8_COVERAGE`) set to /paddock-coverage in the container,
 * a volumeMount there, and a hostPath volume for `nodeDir`, a folder under the nodes' coverage
 * extraMount (created world-writable on the host before the deploy, so any user can write it).
 * Same for rendered workloads and user manifests; run after the images were rewritten to the built
 * tags (`tagKinds`: built tag → coverage mode). Init containers are left alone (they are not stopped).
 */
export function instrumentCoverage(
  objects: readonly KubeObject[],
  tagKinds: ReadonlyMap<string, CoverageKind>,
  nodeDir: string,
  namespace: string,
): Instrumented {
  const controllers: CoverageController[] = [];
  const replaced = new Set<string>();
  for (const object of objects) {
    let touched = false;
    let grace = 30;
    for (const spec of podSpecs(object)) {
      let specTouched = false;
      for (const container of asArray(spec["containers"]).filter(isRecord)) {
        const kind = typeof container["image"] === "string" ? tagKinds.get(container["image"]) : undefined;
        if (!kind) continue;
        let env = asArray(container["env"]);
        for (const [name, value] of Object.entries(coverageEnv(kind))) {
          if (env.some((e) => isRecord(e) && e["name"] === name))
            replaced.add(`${object.metadata.name}/${String(container["name"])}: ${name}`);
          env = upsertByName(env, { name, value });
        }
        container["env"] = env;
        const mounts = asArray(container["volumeMounts"]).filter(
          (m) => !(isRecord(m) && (m["name"] === COVERAGE_VOLUME || m["mountPath"] === COVERAGE_DIR_IN_CONTAINER)),
        );
        container["volumeMounts"] = [...mounts, { name: COVERAGE_VOLUME, mountPath: COVERAGE_DIR_IN_CONTAINER }];
        specTouched = true;
      }
      if (!specTouched) continue;
      // DirectoryOrCreate: on a node without the mount (a reused cluster made before) the service still starts.
      spec["volumes"] = upsertByName(asArray(spec["volumes"]), {
        name: COVERAGE_VOLUME,
        hostPath: { path: nodeDir, type: "DirectoryOrCreate" },
      });
      if (typeof spec["terminationGracePeriodSeconds"] === "number") grace = spec["terminationGracePeriodSeconds"];
      touched = true;
    }
    if (touched && STOPPABLE_KINDS.has(object.kind)) {
      controllers.push({
        kind: object.kind,
        name: object.metadata.name,
        namespace: object.metadata.namespace ?? namespace,
        selector: selectorOf(object),
        graceSeconds: grace,
      });
    }
  }
  return { controllers, replaced: [...replaced] };
}
