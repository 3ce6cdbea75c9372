import path from "node:path";
import { describe, expect, it } from "vitest";
import { generatedStack } from "../../bench/stack-generator.js";
import { loadStack } from "../../src/config/load.js";
import { project } from "./helpers.js";

/**
 * Large stack files load (timings live in bench/stack-load.ts). A mapping of tens of
 * thousands of keys used to take minutes: every key was compared with every other.
 */
describe("a large stack file", () => {
  it("of 2 MB in thousands of services loads, with the fragment merged under it", () => {
    const generated = generatedStack(2 * 1024 * 1024);
    const dir = project(generated.files);
    const stack = loadStack(path.join(dir, "paddock.yaml"));
    expect(Object.keys(stack.services)).toHaveLength(generated.services);
    expect(generated.services).toBeGreaterThan(5000);
    expect(stack.services["svc-0"]?.env["FROM_FRAGMENT"]).toBe("yes");
    expect(stack.services["svc-0"]?.timeoutSeconds).toBe(90);
    expect(stack.services["svc-7"]?.dependsOn).toEqual(["svc-6"]);
  });

  it("of 2 MB in one mapping (an env of ~40,000 keys) loads", () => {
    const generated = generatedStack(2 * 1024 * 1024, "wide");
    const dir = project(generated.files);
    const stack = loadStack(path.join(dir, "paddock.yaml"));
    const env = stack.services["wide"]?.env ?? {};
    expect(Object.keys(env).length).toBeGreaterThan(30_000);
    expect(env["KEY_12345"]).toBe("value-12345-for-a-wide-mapping");
  });

  it("still finds a duplicate key at the end of a large mapping, with its line", () => {
    const generated = generatedStack(1024 * 1024, "wide");
    const text = generated.files["paddock.yaml"] ?? "";
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.startsWith("      KEY_"));
    const duplicated = [...lines.slice(0, -1), "      KEY_0: again", ""].join("\n");
    const dir = project({ ...generated.files, "paddock.yaml": duplicated });
    expect(at).toBeGreaterThan(0);
    expect(() => loadStack(path.join(dir, "paddock.yaml"))).toThrow(
      `paddock.yaml:${lines.length}: duplicate name: "KEY_0" is written twice in services.wide.env`,
    );
  });
});
