import type { Stage } from "../dockerfile.js";
import type { Rule } from "../rule.js";
import { parseImageReference } from "./base-image-pinned.js";

type EffectiveUser =
  | { kind: "user"; user: string; stage: Stage; line: number; column: number }
  | { kind: "external"; image: string; stage: Stage }
  | { kind: "unknown-base"; stage: Stage };

/** The USER in force at the end of `stage`, following `FROM <stage>` chains. */
function effectiveUser(stage: Stage, seen = new Set<Stage>()): EffectiveUser {
  seen.add(stage);
  for (let k = stage.instructions.length - 1; k >= 0; k--) {
    const info = stage.instructions[k];
    if (!info || info.keyword !== "USER") continue;
    const raw = info.node.getArgumentsContent()?.trim() ?? "";
    return { kind: "user", user: raw, stage, line: info.position.line, column: info.position.column };
  }
  if (stage.baseStage && !seen.has(stage.baseStage)) return effectiveUser(stage.baseStage, seen);
  if (stage.image === null) return { kind: "unknown-base", stage };
  return { kind: "external", image: stage.image, stage };
}

function isRootUser(user: string): boolean {
  const name = (user.split(":")[0] ?? "").trim();
  return name === "root" || name === "0";
}

/** Images known to default to a non-root user: distroless `:nonroot` / `:debug-nonroot` tags. */
function knownNonRootImage(image: string): boolean {
  const { tag } = parseImageReference(image);
  return tag !== null && /(^|-)nonroot$/.test(tag);
}

const FIX = "add `USER <non-root user or uid>` (e.g. `USER 65532:65532`) at the end of the final stage";

export const nonRootFinalStageRule: Rule = {
  meta: {
    id: "non-root-final-stage",
    shortDescription: "The final stage runs as a non-root user",
    help:
      "The effective user of the final stage (or of the stack's target stage) is its last USER, or the one inherited from the stage it is built FROM. " +
      "With no USER at all, an external base image's user is unknown and assumed to be root (distroless `:nonroot` tags excepted). " +
      "`USER root`, `USER 0` and `USER 0:0` count as root; a USER given by a variable is trusted.",
    defaultSeverity: "warning",
  },
  checkDockerfile(ctx) {
    const stages = ctx.dockerfile.stages;
    const target = ctx.image?.target?.toLowerCase();
    const final = (target ? stages.find((s) => s.name === target) : undefined) ?? stages[stages.length - 1];
    if (!final) return [];
    const eff = effectiveUser(final);
    const label = final.name ? `final stage '${final.name}'` : "final stage";
    if (eff.kind === "user") {
      if (!isRootUser(eff.user)) return [];
      const inherited = eff.stage !== final ? ` (inherited from stage '${eff.stage.name ?? eff.stage.index}')` : "";
      return [
        {
          line: eff.line,
          column: eff.column,
          message: `${label} runs as root: last USER is \`${eff.user}\`${inherited}`,
          fix: FIX,
        },
      ];
    }
    const at = { line: final.from.position.line, column: final.from.position.column };
    if (eff.kind === "unknown-base") {
      return [
        {
          ...at,
          message: `${label} sets no USER and its base \`${eff.stage.imageRaw}\` is unknown; assumed to run as root`,
          fix: FIX,
        },
      ];
    }
    if (eff.image.toLowerCase() === "scratch") {
      return [{ ...at, message: `${label} sets no USER on scratch, so it runs as uid 0 (root)`, fix: FIX }];
    }
    if (knownNonRootImage(eff.image)) return [];
    const via = eff.stage !== final ? ` (through stage '${eff.stage.name ?? eff.stage.index}')` : "";
    return [
      {
        ...at,
        message: `${label} sets no USER; the user of base image \`${eff.image}\`${via} is unknown, assumed root`,
        fix: FIX,
      },
    ];
  },
};
