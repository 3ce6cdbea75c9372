import { labelValue } from "./kube-object.js";
import type { Kubectl } from "./kubectl.js";
import { LABELS } from "../run-labels.js";

const KINDS = "deployments,statefulsets,daemonsets,jobs,pods,services,configmaps,secrets";

/** Deletes the objects of a run's workloads that the stack no longer declares (by their run and workload labels); returns those workloads. */
export async function removeOtherWorkloads(
  kubectl: Kubectl,
  runId: string,
  keep: readonly string[],
  signal: AbortSignal,
): Promise<string[]> {
  const selector = `${LABELS.run}=${labelValue(runId)},${LABELS.service}${keep.length > 0 ? `,${LABELS.service} notin (${keep.map(labelValue).join(",")})` : ""}`;
  const found = await kubectl.run(
    [
      "get",
      KINDS,
      "-A",
      "-l",
      selector,
      "-o",
      `jsonpath={range .items[*]}{.metadata.labels.${LABELS.service.replaceAll(".", "\\.")}}{"\n"}{end}`,
    ],
    { signal },
  );
  const gone = [...new Set(found.stdout.split("\n").filter(Boolean))];
  if (gone.length > 0) await kubectl.run(["delete", KINDS, "-A", "-l", selector, "--wait=true"], { signal });
  return gone;
}
