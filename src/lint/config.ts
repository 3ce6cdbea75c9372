import { z } from "zod";
import { RULE_IDS } from "./types.js";

/**
 * The `lint:` section of `paddock.yaml`. Every field has a default, so `lintConfigSchema.parse({})`
 * is the default configuration.
 */

export const severitySettingSchema = z.enum(["error", "warning", "info", "off"]);
export type SeveritySetting = z.infer<typeof severitySettingSchema>;

export const packageUpgradePolicySchema = z.enum(["forbid", "require"]);
export type PackageUpgradePolicy = z.infer<typeof packageUpgradePolicySchema>;

const ruleIdSchema = z.enum(RULE_IDS);

export const DEFAULT_SEVERITIES = {
  "package-upgrade": "error",
  "base-image-pinned": "warning",
  "coverage-arg": "error",
  "dependency-layer-order": "warning",
  "non-root-final-stage": "warning",
  "no-cache-build": "warning",
  "invalid-ignore": "warning",
} as const satisfies Record<z.infer<typeof ruleIdSchema>, SeveritySetting>;

const rulesSchema = z
  .strictObject({
    "package-upgrade": severitySettingSchema.default(DEFAULT_SEVERITIES["package-upgrade"]),
    "base-image-pinned": severitySettingSchema.default(DEFAULT_SEVERITIES["base-image-pinned"]),
    "coverage-arg": severitySettingSchema.default(DEFAULT_SEVERITIES["coverage-arg"]),
    "dependency-layer-order": severitySettingSchema.default(DEFAULT_SEVERITIES["dependency-layer-order"]),
    "non-root-final-stage": severitySettingSchema.default(DEFAULT_SEVERITIES["non-root-final-stage"]),
    "no-cache-build": severitySettingSchema.default(DEFAULT_SEVERITIES["no-cache-build"]),
    "invalid-ignore": severitySettingSchema.default(DEFAULT_SEVERITIES["invalid-ignore"]),
  })
  .describe("severity per rule id: error | warning | info | off");

const ignoreEntrySchema = z.union([
  z.string().min(1).describe("path glob: every rule is skipped for matching files"),
  z.strictObject({
    path: z.string().min(1).describe("path glob, relative to the directory lint runs from (the stack file's)"),
    rules: z.array(ruleIdSchema).min(1).describe("rules skipped for matching files"),
  }),
]);

export const lintConfigSchema = z.strictObject({
  rules: rulesSchema.prefault({}),
  packageUpgrade: z
    .strictObject({
      policy: packageUpgradePolicySchema
        .default("forbid")
        .describe("forbid: flag every package upgrade; require: flag stages that install packages without upgrading"),
    })
    .prefault({}),
  ignore: z.array(ignoreEntrySchema).default([]).describe("path globs (or {path, rules}) whose findings are dropped"),
});

/** The validated configuration, with every default filled in. */
export type LintConfig = z.output<typeof lintConfigSchema>;
/** What may be written under `lint:` (every field optional). */
export type LintConfigInput = z.input<typeof lintConfigSchema>;
export type LintIgnoreEntry = z.output<typeof ignoreEntrySchema>;

const parsedCache = new WeakMap<object, LintConfig>();

/** Validates (and caches per object) a config; throws a `ZodError` on unknown keys or bad values. */
export function resolveLintConfig(input: LintConfigInput | undefined): LintConfig {
  if (input === undefined) return lintConfigSchema.parse({});
  const cached = parsedCache.get(input);
  if (cached) return cached;
  const parsed = lintConfigSchema.parse(input);
  parsedCache.set(input, parsed);
  parsedCache.set(parsed, parsed);
  return parsed;
}
