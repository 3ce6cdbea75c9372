import { mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findOnPath, goPercentCommand, parseGoProfile, summarizeGo } from "../../src/coverage/go-summary.js";
import { tempProject } from "../helpers/cli.js";

describe("Go coverage summary", () => {
  it("counts statements and lines of a `go tool covdata textfmt` profile; a line touched by two blocks counts once", () => {
    const profile = [
      "mode: set",
      "example.com/n/main.go:10.13,12.2 2 1", // lines 10-12 covered
      "example.com/n/main.go:12.2,14.3 1 0", // line 12 again (covered above), 13-14 not
      "example.com/n/handler.go:5.1,5.20 1 0",
    ].join("\n");
    expect(parseGoProfile(profile)).toEqual({ statements: { covered: 2, total: 4, pct: 50 }, lines: { covered: 3, total: 6, pct: 50 } });
  });

  it("without a Go toolchain keeps the raw data and says how to read it", async () => {
    const dir = tempProject({ "notifier/data/covmeta.x": "" });
    const data = path.join(dir, "notifier", "data");
    mkdirSync(data, { recursive: true });
    const summary = await summarizeGo(data, { go: findOnPath("go", dir) });
    expect(summary).toEqual({ summarized: false, note: expect.stringContaining("no Go toolchain") as unknown as string, read: goPercentCommand(data) });
    expect(goPercentCommand(data)).toBe(`go tool covdata percent -i ${data}`);
  });

  it("finds executables on a PATH", () => {
    expect(findOnPath("node", path.dirname(process.execPath))).toBe(process.execPath);
    expect(findOnPath("surely-not-a-command-here", path.dirname(process.execPath))).toBeUndefined();
  });
});
