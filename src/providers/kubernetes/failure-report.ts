import { outputBlock } from "../../errors.js";
import { lastLines } from "../../exec/tool-error.js";
import { asString, nested, type Json } from "./kube-object.js";
import type { Kubectl } from "./kubectl.js";

/** Evidence for an error about a workload: the relevant events and the last container log lines. */
export interface Evidence {
  events: string[];
  logs: string[];
  logSource: string | undefined;
}

/** Gathering evidence must not hang an error that is already on its way. */
const EVIDENCE_TIMEOUT_MS = 10_000;

/** The namespace's events about these objects (pods and their owner), oldest first, at most `limit`. */
export async function eventsAbout(
  kubectl: Kubectl,
  namespace: string,
  names: ReadonlySet<string>,
  limit = 12,
): Promise<string[]> {
  try {
    const events = await kubectl.list(["events", "-n", namespace], AbortSignal.timeout(EVIDENCE_TIMEOUT_MS));
    return events
      .filter((e) => names.has(asString(nested(e, "involvedObject", "name")) ?? ""))
      .sort((a, b) =>
        String(a["firstTimestamp"] ?? a["eventTime"] ?? "").localeCompare(
          String(b["firstTimestamp"] ?? b["eventTime"] ?? ""),
        ),
      )
      .slice(-limit)
      .map(formatEvent);
  } catch {
    return [];
  }
}

function formatEvent(event: Json): string {
  const kind = (asString(nested(event, "involvedObject", "kind")) ?? "").toLowerCase();
  const name = asString(nested(event, "involvedObject", "name")) ?? "?";
  const count = typeof event["count"] === "number" && event["count"] > 1 ? ` (x${event["count"]})` : "";
  return `${asString(event["type"]) ?? "Normal"} ${asString(event["reason"]) ?? ""} ${kind}/${name}: ${asString(event["message"]) ?? ""}${count}`;
}

/** A container's last log lines (the previous instance's for a crash loop); empty when it never started. */
export async function containerLogs(
  kubectl: Kubectl,
  namespace: string,
  pod: string,
  container: string | undefined,
  previous: boolean,
  lines = 20,
): Promise<string[]> {
  const args = ["logs", pod, "-n", namespace, `--tail=${lines}`];
  if (container) args.push("-c", container);
  if (previous) args.push("--previous");
  try {
    const result = await kubectl.run(args, { signal: AbortSignal.timeout(EVIDENCE_TIMEOUT_MS), allowFailure: true });
    if (result.exitCode !== 0) {
      // `--previous` has nothing before the first restart: fall back to the current instance.
      return previous ? containerLogs(kubectl, namespace, pod, container, false, lines) : [];
    }
    return lastLines(result.stdout, lines);
  } catch {
    return [];
  }
}

export async function gatherEvidence(
  kubectl: Kubectl,
  namespace: string,
  names: ReadonlySet<string>,
  pod: string | undefined,
  container: string | undefined,
  crashLoop: boolean,
): Promise<Evidence> {
  const [events, logs] = await Promise.all([
    eventsAbout(kubectl, namespace, names),
    pod ? containerLogs(kubectl, namespace, pod, container, crashLoop) : Promise.resolve([]),
  ]);
  return { events, logs, logSource: pod ? `${pod}${container ? `/${container}` : ""}` : undefined };
}

export function formatEvidence(evidence: Evidence): string {
  return (
    outputBlock("events", evidence.events) + outputBlock(`last log lines (${evidence.logSource ?? "?"})`, evidence.logs)
  );
}
