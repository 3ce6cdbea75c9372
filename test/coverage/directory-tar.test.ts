import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { directoryTar } from "../../src/providers/docker/directory-tar.js";

describe("directoryTar (the coverage directory made inside a created container)", () => {
  it("is a valid tar with one world-writable, sticky directory entry", async () => {
    const archive = directoryTar("/paddock-coverage", 0o1777, new Date("2026-01-01T00:00:00Z"));
    expect(Buffer.byteLength(archive, "latin1")).toBe(512 * 3);
    expect([...archive].every((c) => c.charCodeAt(0) < 0x80)).toBe(true); // travels as a string on stdin
    const listed = await execa("tar", ["-tvf", "-"], { input: Buffer.from(archive, "latin1") });
    expect(listed.stdout).toMatch(/^drwxrwxrwt 0\/0\s+0 2026-01-01 \d\d:\d\d paddock-coverage\/$/);
  });
});
