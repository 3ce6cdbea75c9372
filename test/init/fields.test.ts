import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { composeSchemaFile } from "../../src/init/compose-schema.js";
import { convertProject } from "../../src/init/convert.js";
import {
  CONVERTED_BUILD_FIELDS,
  CONVERTED_HEALTHCHECK_FIELDS,
  CONVERTED_SERVICE_FIELDS,
  CONVERTED_TOP_LEVEL_FIELDS,
  UNSUPPORTED_BUILD_FIELDS,
  UNSUPPORTED_HEALTHCHECK_FIELDS,
  UNSUPPORTED_SERVICE_FIELDS,
  UNSUPPORTED_TOP_LEVEL_FIELDS,
  UNSUPPORTED_VOLUME_FIELDS,
} from "../../src/init/unsupported-fields.js";
import { tempProject } from "../helpers/cli.js";
import { notesAbout, projectOf } from "./helpers.js";

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  oneOf?: SchemaNode[];
  $ref?: string;
}
const schema = JSON.parse(readFileSync(composeSchemaFile(), "utf8")) as SchemaNode & {
  definitions: Record<string, SchemaNode>;
};
const definitions = schema.definitions;
const fieldsOf = (node: SchemaNode | undefined): string[] =>
  Object.keys(node?.properties ?? node?.oneOf?.find((o) => o.properties)?.properties ?? {});

describe("every field of the Compose Specification is converted or reported with a reason", () => {
  it.each([
    ["services.*", fieldsOf(definitions["service"]), CONVERTED_SERVICE_FIELDS, UNSUPPORTED_SERVICE_FIELDS],
    [
      "services.*.build",
      fieldsOf(definitions["service"]?.properties?.["build"]),
      CONVERTED_BUILD_FIELDS,
      UNSUPPORTED_BUILD_FIELDS,
    ],
    [
      "services.*.healthcheck",
      fieldsOf(definitions["healthcheck"]),
      CONVERTED_HEALTHCHECK_FIELDS,
      UNSUPPORTED_HEALTHCHECK_FIELDS,
    ],
    ["(top level)", fieldsOf(schema), CONVERTED_TOP_LEVEL_FIELDS, UNSUPPORTED_TOP_LEVEL_FIELDS],
    ["volumes.*", fieldsOf(definitions["volume"]), [], UNSUPPORTED_VOLUME_FIELDS],
  ] as const)("%s", (_where, fields, converted, unsupported) => {
    expect(fields.length).toBeGreaterThan(3);
    const missing = fields.filter((f) => !(converted as readonly string[]).includes(f) && unsupported[f] === undefined);
    expect(missing).toEqual([]);
  });
});

describe("each field Paddock cannot carry over is reported with its reason", () => {
  const dir = tempProject({ "app/Dockerfile": "FROM scratch\n" });

  it.each(Object.entries(UNSUPPORTED_SERVICE_FIELDS))("services.*.%s", (field, reason) => {
    const { report } = convertProject(projectOf({ services: { app: { image: "a:1", [field]: "value" } } }, dir), {
      profiles: [],
      outputDir: dir,
    });
    expect(notesAbout(report.notes, "app", field)).toEqual([`dropped ${field}: "value": ${reason}`]);
  });

  it.each(Object.entries(UNSUPPORTED_BUILD_FIELDS).filter(([f]) => f !== "dockerfile_inline"))(
    "services.*.build.%s",
    (field, reason) => {
      const { report, stack } = convertProject(
        projectOf({ services: { app: { build: { context: "app", [field]: "value" } } } }, dir),
        { profiles: [], outputDir: dir },
      );
      expect(notesAbout(report.notes, "app", `build.${field}`)).toEqual([`dropped build.${field}: "value": ${reason}`]);
      expect(stack.images["app"]).toEqual({ dockerfile: "./app/Dockerfile", context: "./app" });
    },
  );

  it.each(Object.entries(UNSUPPORTED_HEALTHCHECK_FIELDS))("services.*.healthcheck.%s", (field, reason) => {
    const { report } = convertProject(
      projectOf({ services: { app: { image: "a:1", healthcheck: { test: ["CMD", "true"], [field]: "value" } } } }, dir),
      { profiles: [], outputDir: dir },
    );
    expect(notesAbout(report.notes, "app", `healthcheck.${field}`)).toEqual([
      `dropped healthcheck.${field}: "value": ${reason}`,
    ]);
  });

  it.each(Object.entries(UNSUPPORTED_TOP_LEVEL_FIELDS))("%s (top level)", (field, reason) => {
    const { report } = convertProject(projectOf({ [field]: "value", services: { app: { image: "a:1" } } }, dir), {
      profiles: [],
      outputDir: dir,
    });
    expect(notesAbout(report.notes, "", field)).toEqual([`dropped ${field}: "value": ${reason}`]);
  });

  it.each(Object.entries(UNSUPPORTED_VOLUME_FIELDS))("volumes.*.%s", (field, reason) => {
    const { report } = convertProject(
      projectOf(
        { volumes: { data: { [field]: "value" } }, services: { app: { image: "a:1", volumes: ["data:/data"] } } },
        dir,
      ),
      { profiles: [], outputDir: dir },
    );
    expect(notesAbout(report.notes, "", `volumes.data.${field}`)).toEqual([
      `dropped volumes.data.${field}: "value": ${reason}`,
    ]);
  });

  it("a field newer than this table still gets a line", () => {
    const { report } = convertProject(
      projectOf({ services: { app: { image: "a:1", future_field: 1 } }, future_top: {} }, dir),
      { profiles: [], outputDir: dir },
    );
    expect(notesAbout(report.notes, "app", "future_field")).toEqual([
      "dropped future_field: 1: not supported by Paddock",
    ]);
    expect(notesAbout(report.notes, "", "future_top")).toEqual(["dropped future_top: {}: not supported by Paddock"]);
  });
});
