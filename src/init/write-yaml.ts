import { Document, isMap, isScalar, isSeq, visit, type Pair, type Scalar } from "yaml";
import type { InitNote } from "./report.js";
import type { StackOut, WorkloadOut } from "./stack-out.js";

export interface StackFileText {
  stack: StackOut;
  /** Comment lines at the top (without "#"). */
  header: string[];
  /** Comment lines above a workload, by its Paddock name. */
  notesFor?: (workload: string) => string[];
  /** Comment lines at the end (a commented-out example, say). */
  footer?: string[];
}

/** The comment lines for report notes. */
export function noteLines(notes: readonly InitNote[]): string[] {
  return notes.map((n) => `${n.kind === "dropped" ? "not carried over" : "changed"}: ${n.field}: ${n.message}`);
}

/** The order a person writes a workload in (docs/stack-file.md). */
const WORKLOAD_KEYS: readonly (keyof WorkloadOut)[] = [
  "image",
  "command",
  "entrypoint",
  "env",
  "secretEnv",
  "ports",
  "volumes",
  "ready",
  "dependsOn",
  "timeout",
];

function ordered(workloads: Record<string, WorkloadOut>): Record<string, Partial<WorkloadOut>> {
  const out: Record<string, Partial<WorkloadOut>> = {};
  for (const [name, workload] of Object.entries(workloads)) {
    out[name] = Object.fromEntries(WORKLOAD_KEYS.filter((k) => workload[k] !== undefined).map((k) => [k, workload[k]]));
  }
  return out;
}

const comment = (lines: readonly string[]): string => lines.map((l) => (l === "" ? "" : ` ${l}`)).join("\n");

/** paddock.yaml text: short lists on one line, scripts as block literals, notes as comments. */
export function renderStackFile(input: StackFileText): string {
  const { stack } = input;
  const body: Record<string, unknown> = { name: stack.name };
  if (Object.keys(stack.images).length > 0) body["images"] = stack.images;
  body["services"] = ordered(stack.services);
  if (Object.keys(stack.jobs).length > 0) body["jobs"] = ordered(stack.jobs);
  const doc = new Document(body);
  doc.commentBefore = comment(input.header);

  visit(doc, {
    Seq(_key, seq) {
      const short = seq.items.every((item) => isScalar(item) && !String(item.value).includes("\n"));
      const width = seq.items.reduce<number>((sum, item) => sum + String((item as Scalar).value).length + 2, 0);
      if (short && width <= 80) seq.flow = true;
    },
    Map(_key, map) {
      // `ready: { exec: [...] }` reads best on one line, like the hand-written stacks.
      const only = map.items[0];
      if (
        map.items.length === 1 &&
        isScalar(only?.key) &&
        (only.key.value === "exec" || only.key.value === "healthcheck") &&
        (!isSeq(only.value) || only.value.flow)
      )
        map.flow = true;
    },
  });
  if (input.notesFor) {
    for (const section of ["services", "jobs"]) {
      const map = doc.get(section, true);
      if (!isMap(map)) continue;
      for (const pair of map.items as Pair<Scalar, unknown>[]) {
        const lines = input.notesFor(String(pair.key.value));
        if (lines.length > 0) pair.key.commentBefore = comment(lines);
      }
    }
  }
  let text = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  if (input.footer && input.footer.length > 0)
    text += `\n${input.footer.map((l) => `#${l === "" ? "" : ` ${l}`}`).join("\n")}\n`;
  return text;
}
