import { readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { formatJson, formatSarif, formatText, RULE_METADATA, type Finding } from "../../src/lint/index.js";
import { FIXTURES, lint } from "./helpers.js";

const findings: Finding[] = [
  {
    file: "docker/api/Dockerfile",
    line: 3,
    column: 5,
    rule: "package-upgrade",
    severity: "error",
    message: "`dnf update` upgrades",
    fix: "remove it",
  },
  {
    file: "docker/my app/Dockerfile",
    line: 1,
    column: 6,
    rule: "base-image-pinned",
    severity: "info",
    message: "cannot check",
    fix: "pin it",
  },
];

describe("formatText", () => {
  it("prints file:line:col severity rule message, then the fix indented", () => {
    expect(formatText(findings).split("\n")).toEqual([
      "docker/api/Dockerfile:3:5 error package-upgrade `dnf update` upgrades",
      "    fix: remove it",
      "docker/my app/Dockerfile:1:6 info base-image-pinned cannot check",
      "    fix: pin it",
    ]);
    expect(formatText([])).toBe("");
  });
});

describe("formatJson", () => {
  it("is an array of {file,line,column,rule,severity,message}", () => {
    expect(JSON.parse(formatJson(findings))).toEqual([
      {
        file: "docker/api/Dockerfile",
        line: 3,
        column: 5,
        rule: "package-upgrade",
        severity: "error",
        message: "`dnf update` upgrades",
      },
      {
        file: "docker/my app/Dockerfile",
        line: 1,
        column: 6,
        rule: "base-image-pinned",
        severity: "info",
        message: "cannot check",
      },
    ]);
  });
});

// The SARIF 2.1.0 schema as shipped in the npm package @microsoft/sarif-multitool-linux 5.7.0
// (file sarif-2.1.0.json, from microsoft/sarif-sdk), copied unchanged. It declares JSON Schema 2020-12.
const schema: unknown = JSON.parse(readFileSync(path.resolve(FIXTURES, "../sarif-schema-2.1.0.json"), "utf8"));

function validator() {
  const ajv = new Ajv2020Module.default({ allErrors: true, strict: false });
  addFormatsModule.default(ajv);
  return ajv.compile(schema as object);
}

describe("formatSarif", () => {
  it("validates against the SARIF 2.1.0 schema", () => {
    const validate = validator();
    const log: unknown = JSON.parse(formatSarif(findings, { rootDir: "/repo", cwd: "/repo" }));
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const real: unknown = JSON.parse(
      formatSarif(lint("package-upgrade/every-manager.bad.Dockerfile"), { rootDir: FIXTURES, cwd: FIXTURES }),
    );
    expect(validate(real), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("the schema really rejects a broken log", () => {
    const validate = validator();
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: {} } }] })).toBe(false);
  });

  it("has stable rule ids, relative URIs and regions", () => {
    const log = JSON.parse(formatSarif(findings, { rootDir: "/repo", cwd: "/repo/docker/.." })) as {
      version: string;
      $schema: string;
      runs: Array<{
        tool: {
          driver: {
            name: string;
            rules: Array<{ id: string; defaultConfiguration: { level: string }; help: { text: string } }>;
          };
        };
        results: Array<{
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: Array<{
            physicalLocation: {
              artifactLocation: { uri: string; uriBaseId: string };
              region: { startLine: number; startColumn: number };
            };
          }>;
        }>;
      }>;
    };
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run?.tool.driver.name).toBe("paddock");
    expect(run?.tool.driver.rules.map((r) => r.id)).toEqual(RULE_METADATA.map((m) => m.id));
    expect(run?.tool.driver.rules[0]).toMatchObject({
      id: "package-upgrade",
      defaultConfiguration: { level: "error" },
    });
    const [a, b] = run?.results ?? [];
    expect(a).toMatchObject({ ruleId: "package-upgrade", level: "error", message: { text: "`dnf update` upgrades" } });
    expect(run?.tool.driver.rules[a?.ruleIndex ?? -1]?.id).toBe("package-upgrade");
    expect(a?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: "docker/api/Dockerfile", uriBaseId: "%SRCROOT%" },
      region: { startLine: 3, startColumn: 5 },
    });
    expect(b?.level).toBe("note");
    expect(b?.locations[0]?.physicalLocation.artifactLocation.uri).toBe("docker/my%20app/Dockerfile");
  });
});
