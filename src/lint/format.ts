import * as path from "node:path";
import { RULE_METADATA } from "./rules/index.js";
import type { Finding, Severity } from "./types.js";

/** `file:line:col severity rule message`, then the fix on an indented line. Empty string when there are no findings. */
export function formatText(findings: readonly Finding[]): string {
  return findings
    .map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule} ${f.message}\n    fix: ${f.fix}`)
    .join("\n");
}

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: Severity;
  message: string;
}

/** A JSON array of `{file, line, column, rule, severity, message}`. */
export function formatJson(findings: readonly Finding[]): string {
  const rows: JsonFinding[] = findings.map((f) => ({
    file: f.file,
    line: f.line,
    column: f.column,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
  }));
  return JSON.stringify(rows, null, 2);
}

type SarifLevel = "error" | "warning" | "note";

function sarifLevel(s: Severity): SarifLevel {
  return s === "info" ? "note" : s;
}

export interface SarifOptions {
  /** Artifact URIs are made relative to this directory (`%SRCROOT%`). */
  rootDir: string;
  /** Tool version shown in `tool.driver.version`. */
  toolVersion?: string;
  /** Base for relative `Finding.file` values. Default: `process.cwd()`. */
  cwd?: string;
}

export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: SarifRun[];
}

export interface SarifRun {
  tool: {
    driver: {
      name: string;
      version?: string;
      informationUri?: string;
      rules: Array<{
        id: string;
        name: string;
        shortDescription: { text: string };
        fullDescription: { text: string };
        help: { text: string };
        defaultConfiguration: { level: SarifLevel };
      }>;
    };
  };
  originalUriBaseIds: Record<string, { uri: string }>;
  results: Array<{
    ruleId: string;
    ruleIndex: number;
    level: SarifLevel;
    message: { text: string };
    locations: Array<{
      physicalLocation: {
        artifactLocation: { uri: string; uriBaseId: string };
        region: { startLine: number; startColumn: number };
      };
    }>;
    properties: { fix: string };
  }>;
}

const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json";

function toUriPath(p: string): string {
  return p
    .split(/[\\/]+/)
    .map((seg) => encodeURIComponent(seg))
    .join("/");
}

function camel(id: string): string {
  return id.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()).replace(/^[a-z]/, (c) => c.toUpperCase());
}

export function toSarif(findings: readonly Finding[], options: SarifOptions): SarifLog {
  const cwd = options.cwd ?? process.cwd();
  const root = path.resolve(cwd, options.rootDir);
  const rules = RULE_METADATA.map((m) => ({
    id: m.id,
    name: camel(m.id),
    shortDescription: { text: m.shortDescription },
    fullDescription: { text: m.help },
    help: { text: `${m.help} See docs/lint.md.` },
    defaultConfiguration: { level: sarifLevel(m.defaultSeverity) },
  }));
  const rootUri = new URL(`file://${toUriPath(root.startsWith("/") ? root : `/${root}`)}/`).href;
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "paddock", ...(options.toolVersion ? { version: options.toolVersion } : {}), rules } },
        originalUriBaseIds: { "%SRCROOT%": { uri: rootUri } },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: RULE_METADATA.findIndex((m) => m.id === f.rule),
          level: sarifLevel(f.severity),
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: {
                  uri: toUriPath(path.relative(root, path.resolve(cwd, f.file))),
                  uriBaseId: "%SRCROOT%",
                },
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
          properties: { fix: f.fix },
        })),
      },
    ],
  };
}

/** SARIF 2.1.0 log (one run, tool `paddock`), pretty-printed. */
export function formatSarif(findings: readonly Finding[], options: SarifOptions): string {
  return JSON.stringify(toSarif(findings, options), null, 2);
}
