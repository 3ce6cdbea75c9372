import { describe, expect, it } from "vitest";
import { lintConfigSchema, type LintConfig } from "../../src/lint/config.js";

describe("lintConfigSchema", () => {
  it("fills every default from {}", () => {
    const config: LintConfig = lintConfigSchema.parse({});
    expect(config).toEqual({
      rules: {
        "package-upgrade": "error",
        "base-image-pinned": "warning",
        "coverage-arg": "error",
        "dependency-layer-order": "warning",
        "non-root-final-stage": "warning",
        "no-cache-build": "warning",
        "invalid-ignore": "warning",
      },
      packageUpgrade: { policy: "forbid" },
      ignore: [],
    });
  });

  it("expresses both seeds' policies", () => {
    const forbid = lintConfigSchema.parse({ packageUpgrade: { policy: "forbid" } });
    const require = lintConfigSchema.parse({
      packageUpgrade: { policy: "require" },
      rules: { "package-upgrade": "error" },
    });
    expect(forbid.packageUpgrade.policy).toBe("forbid");
    expect(require.packageUpgrade.policy).toBe("require");
    expect(require.rules["base-image-pinned"]).toBe("warning");
  });

  it("rejects unknown keys, rules and severities", () => {
    expect(lintConfigSchema.safeParse({ rule: {} }).success).toBe(false);
    expect(lintConfigSchema.safeParse({ rules: { "no-such-rule": "error" } }).success).toBe(false);
    expect(lintConfigSchema.safeParse({ rules: { "package-upgrade": "fatal" } }).success).toBe(false);
    expect(lintConfigSchema.safeParse({ packageUpgrade: { policy: "allow" } }).success).toBe(false);
    expect(lintConfigSchema.safeParse({ packageUpgrade: { policy: "forbid", extra: 1 } }).success).toBe(false);
    expect(lintConfigSchema.safeParse({ ignore: [{ path: "x/**", rules: ["nope"] }] }).success).toBe(false);
    expect(
      lintConfigSchema.safeParse({ ignore: ["vendor/**", { path: "legacy/**", rules: ["package-upgrade"] }] }).success,
    ).toBe(true);
  });
});
