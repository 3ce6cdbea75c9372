import type { Rule, RuleMeta } from "../rule.js";
import { baseImagePinnedRule } from "./base-image-pinned.js";
import { coverageArgRule } from "./coverage-arg.js";
import { dependencyLayerOrderRule } from "./dependency-layer-order.js";
import { noCacheBuildRule } from "./no-cache-build.js";
import { nonRootFinalStageRule } from "./non-root-final-stage.js";
import { packageUpgradeRule } from "./package-upgrade.js";

/** Not a check of its own: reported by the runner for malformed `# paddock-ignore:` comments. */
export const invalidIgnoreMeta: RuleMeta = {
  id: "invalid-ignore",
  shortDescription: "Inline `# paddock-ignore: <rule> <reason>` comments name a known rule and give a reason",
  help:
    "`# paddock-ignore: <rule>[,<rule>…] <reason>` suppresses the named rules for the next instruction (or the next command line in a script). " +
    "An ignore without a reason, or naming an unknown rule, does not suppress anything and is reported itself.",
  defaultSeverity: "warning",
};

export const RULES: readonly Rule[] = [
  packageUpgradeRule,
  baseImagePinnedRule,
  coverageArgRule,
  dependencyLayerOrderRule,
  nonRootFinalStageRule,
  noCacheBuildRule,
];

/** Every rule's metadata, in the stable order used for SARIF `ruleIndex`. */
export const RULE_METADATA: readonly RuleMeta[] = [...RULES.map((r) => r.meta), invalidIgnoreMeta];
