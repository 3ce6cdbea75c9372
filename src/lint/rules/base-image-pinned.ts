import type { Stage } from "../dockerfile.js";
import type { Rule } from "../rule.js";
import type { RawFinding } from "../types.js";

export interface ImageReference {
  name: string;
  tag: string | null;
  digest: string | null;
}

/** Splits `registry:5000/team/app:1.2@sha256:…` into name, tag and digest. */
export function parseImageReference(ref: string): ImageReference {
  let rest = ref;
  let digest: string | null = null;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { name: rest, tag: null, digest };
}

function fromPosition(stage: Stage): { line: number; column: number } {
  const range = stage.from.node.getImageRange();
  return range ? { line: range.start.line + 1, column: range.start.character + 1 } : stage.from.position;
}

const STACK_IMAGE = /^\$\{images\.[a-z0-9][a-z0-9-]*\}$/;

export const baseImagePinnedRule: Rule = {
  meta: {
    id: "base-image-pinned",
    shortDescription: "Base images are pinned to a tag other than latest, or to a digest",
    help:
      "A FROM without a tag (or with :latest) changes under you: builds stop being reproducible and the layer cache is lost whenever the upstream image moves. " +
      "Stage names, scratch and digests (@sha256:…) are fine; ARG defaults and the stack's build args are resolved. " +
      "A base that depends on an ARG with no default and no build arg cannot be checked and is reported as info.",
    defaultSeverity: "warning",
  },
  checkDockerfile(ctx) {
    const out: RawFinding[] = [];
    for (const stage of ctx.dockerfile.stages) {
      if (stage.image === null) {
        out.push({
          ...fromPosition(stage),
          severity: "info",
          message: `base image \`${stage.imageRaw}\` depends on build arg ${stage.unresolved.map((n) => `\`${n}\``).join(", ")} with no default; pinning cannot be checked`,
          fix: `give the ARG a pinned default, e.g. \`ARG ${stage.unresolved[0] ?? "BASE"}=alpine:3.20\`, or pass it in the stack's image args`,
        });
        continue;
      }
      if (stage.baseStage !== null) continue;
      const image = stage.image.trim();
      if (image === "" || image.toLowerCase() === "scratch") continue;
      // Another image of the stack: Paddock tags it by its content key, which pins it exactly.
      if (STACK_IMAGE.test(image)) continue;
      const ref = parseImageReference(image);
      if (ref.digest) continue;
      const shown = stage.image === stage.imageRaw ? `\`${image}\`` : `\`${stage.imageRaw}\` (= \`${image}\`)`;
      if (ref.tag === null) {
        out.push({
          ...fromPosition(stage),
          message: `base image ${shown} has no tag, so it floats with :latest`,
          fix: `pin a version tag or digest, e.g. \`FROM ${ref.name}:<version>\` or \`FROM ${ref.name}@sha256:<digest>\``,
        });
      } else if (ref.tag === "latest") {
        out.push({
          ...fromPosition(stage),
          message: `base image ${shown} uses the mutable :latest tag`,
          fix: `pin a version tag or digest, e.g. \`FROM ${ref.name}:<version>\` or \`FROM ${ref.name}@sha256:<digest>\``,
        });
      }
    }
    return out;
  },
};
