import { mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { goBuildStage } from "../../src/coverage/go-stage.js";
import { findOnPath, goPercentCommand, parseGoProfile, summarizeGo } from "../../src/coverage/go-summary.js";
import { hostGo } from "../../src/coverage/go-toolchain.js";
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
    const summary = await summarizeGo(data, { toolchain: hostGo(dir) });
    expect(summary).toEqual({ summarized: false, note: expect.stringContaining("no Go toolchain") as unknown as string, read: goPercentCommand(data) });
    expect(goPercentCommand(data)).toBe(`go tool covdata percent -i ${data}`);
  });

  it("finds the named Dockerfile stage that builds Go, where `go tool covdata` can run on a host without Go", () => {
    const multi = ["ARG BASE=debian", "FROM ${BASE} AS deps", "RUN apt-get install -y golang-go", "FROM deps AS builder", "COPY . .", "RUN --mount=type=cache,target=/root/.cache go build -o /out/app .", "FROM ${BASE}", "COPY --from=builder /out/app /app"].join("\n");
    expect(goBuildStage(multi)).toBe("builder");
    expect(goBuildStage("FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go install ./cmd/...\nFROM scratch\n")).toBe("build");
    // An unnamed stage cannot be a --target; a stage that only mentions go is not a Go build.
    expect(goBuildStage("FROM golang:1.23\nRUN go build -o /app .\n")).toBeUndefined();
    expect(goBuildStage("FROM debian AS tools\nRUN echo go builder\n")).toBeUndefined();
  });

  it("finds executables on a PATH", () => {
    expect(findOnPath("node", path.dirname(process.execPath))).toBe(process.execPath);
    expect(findOnPath("surely-not-a-command-here", path.dirname(process.execPath))).toBeUndefined();
  });
});
