import { IMAGE_REFERENCE_EXAMPLES, imageReferenceProblem } from "./image-reference.js";
import type { FieldPath } from "./normalize.js";
import { parsePortEntry } from "./ports.js";
import type { StackFile } from "./schema.js";

export type Fail = (fieldPath: FieldPath, problem: string, hint?: string) => void;

/** Whether a workload's `image:` names an upstream reference rather than a stack image (normalize.ts decides the same way). */
export function isUpstreamImage(image: string, stackImages: Record<string, unknown>): boolean {
  return !(image in stackImages) && /[:/@]/.test(image);
}

/** "with a tag such as "redis:1.0"" for a name that only lacks a tag; an example reference otherwise. */
export function upstreamExample(image: string): string {
  return imageReferenceProblem(`${image}:1.0`) === undefined ? `with a tag such as "${image}:1.0"` : `such as ${IMAGE_REFERENCE_EXAMPLES}`;
}

function checkReference(reference: string, at: FieldPath, fail: Fail): void {
  const problem = imageReferenceProblem(reference);
  if (problem) fail(at, `${JSON.stringify(reference)} is not a valid image reference: ${problem}`, `write an image reference such as ${IMAGE_REFERENCE_EXAMPLES}`);
}

/**
 * What would otherwise fail only once containers start: upstream image references that the
 * engine would refuse, and a fixed host port published twice (across services or within one).
 */
export function checkStackFile(raw: StackFile, fail: Fail): void {
  for (const [name, image] of Object.entries(raw.images)) {
    if (image.ref !== undefined) checkReference(image.ref, ["images", name, "ref"], fail);
  }
  for (const kind of ["services", "jobs"] as const) {
    for (const [name, workload] of Object.entries(raw[kind])) {
      if (workload.image !== undefined && isUpstreamImage(workload.image, raw.images)) checkReference(workload.image, [kind, name, "image"], fail);
    }
  }

  const hostPorts = new Map<number, FieldPath>();
  for (const [name, service] of Object.entries(raw.services)) {
    (service.ports ?? []).forEach((entry, i) => {
      const parsed = parsePortEntry(entry);
      const host = "port" in parsed ? parsed.port.host : undefined;
      if (host === undefined) return;
      const at: FieldPath = ["services", name, "ports", i];
      const first = hostPorts.get(host);
      if (!first) {
        hostPorts.set(host, at);
        return;
      }
      const where = first[1] === name ? `this service's ports[${String(first[3])}]` : `services.${String(first[1])}.ports[${String(first[3])}]`;
      fail(at, `host port ${host} is already published by ${where}: 127.0.0.1:${host} can be published once`, `give each fixed host port once, or write the container port alone (${"port" in parsed ? parsed.port.container : ""}) to get a free port`);
    });
  }
}
