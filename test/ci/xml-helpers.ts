import { readFileSync } from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { validateXML } from "xmllint-wasm";
import { repoRoot } from "../helpers/cli.js";

/** The vendored Jenkins junit-10.xsd (test/fixtures/junit-10.xsd; its header names the source). */
const XSD = readFileSync(path.join(repoRoot, "test", "fixtures", "junit-10.xsd"), "utf8");

/** xmllint's verdict on a JUnit report: empty when it validates. */
export async function junitSchemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: "report.xml", contents: xml }],
    schema: [{ fileName: "junit-10.xsd", contents: XSD }],
  });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}

export interface ParsedCase {
  classname: string;
  name: string;
  time: string;
  failure?: { message: string; type: string; "#text"?: string };
  skipped?: { message: string } | "";
}

export interface ParsedJunit {
  testsuites: {
    tests: string;
    failures: string;
    testsuite: { name: string; tests: string; failures: string; skipped: string; testcase: ParsedCase[] };
  };
}

export function parseJunit(xml: string): ParsedJunit {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    isArray: (name) => name === "testcase",
  });
  return parser.parse(xml) as ParsedJunit;
}
