import { IMAGE_REFERENCE_EXAMPLES, imageReferenceProblem } from "./image-reference.js";
import type { FieldPath } from "./normalize.js";
import { parsePortEntry } from "./ports.js";
import type { StackFile } from "./schema.js";

const MAX_VOLUME_NAME = 63;

export type Fail = (fieldPath: FieldPath, problem: string, hint?: string) => void;

/** Whether a workload's `image:` names an upstream reference rather than a stack image (normalize.ts decides the same way). */
export function isUpstreamImage(image: string, stackImages: Record<string, unknown>): boolean {
  return !(image in stackImages) && /[:/@]/.test(image);
}

/** "with a tag such as "redis:1.0"" for a name that only lacks a tag; an example reference otherwise. */
export function upstreamExample(image: string): string {
  return imageReferenceProblem(`${image}:1.0`) === undefined
    ? `with a tag such as "${image}:1.0"`
    : `such as ${IMAGE_REFERENCE_EXAMPLES}`;
}

function checkReference(reference: string, at: FieldPath, fail: Fail): void {
  const problem = imageReferenceProblem(reference);
  if (problem)
    fail(
      at,
      `${JSON.stringify(reference)} is not a valid image reference: ${problem}`,
      `write an image reference such as ${IMAGE_REFERENCE_EXAMPLES}`,
    );
}

/**
 * What would otherwise fail only once containers start: upstream image references that the
 * engine would refuse (ref:, image:, the kind node image), named volumes too long for the
 * engine, and a fixed host port published twice (across services or within one).
 */
export function checkStackFile(raw: StackFile, fail: Fail): void {
  for (const [name, image] of Object.entries(raw.images)) {
    if (image.ref !== undefined) checkReference(image.ref, ["images", name, "ref"], fail);
  }
  const nodeImage = raw.environment.kind?.nodeImage;
  if (nodeImage !== undefined) checkReference(nodeImage, ["environment", "kind", "nodeImage"], fail);
  for (const kind of ["services", "jobs"] as const) {
    for (const [name, workload] of Object.entries(raw[kind])) {
      if (workload.image !== undefined && isUpstreamImage(workload.image, raw.images))
        checkReference(workload.image, [kind, name, "image"], fail);
      (workload.volumes ?? []).forEach((volume, i) => {
        // A named volume becomes `paddock-<run id>-<name>`: a Docker volume and a directory of the engine.
        const source = volume.split(":")[0] ?? "";
        if (!/^[./]/.test(source) && source.length > MAX_VOLUME_NAME) {
          fail(
            [kind, name, "volumes", i],
            `volume name of ${source.length} characters is too long: at most ${MAX_VOLUME_NAME}`,
            `shorten it, e.g. "${source.slice(0, 20)}:${volume.split(":")[1] ?? "/data"}"`,
          );
        }
      });
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
      const where =
        first[1] === name
          ? `this service's ports[${String(first[3])}]`
          : `services.${String(first[1])}.ports[${String(first[3])}]`;
      fail(
        at,
        `host port ${host} is already published by ${where}: 127.0.0.1:${host} can be published once`,
        `give each fixed host port once, or write the container port alone (${"port" in parsed ? parsed.port.container : ""}) to get a free port`,
      );
    });
  }
}
