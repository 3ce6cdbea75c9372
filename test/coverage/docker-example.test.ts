import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CoverageSummaryFile } from "../../src/coverage/summary-file.js";
import { runCli } from "../helpers/cli.js";
import { copyExample, engineAvailable, latestProfile, leftovers, NOTHING_LEFT } from "../e2e/docker-helpers.js";
import { filesIn, latestCoverage, pathWithoutGo } from "./helpers.js";

const hasEngine = await engineAvailable();
const NODE_SERVICES = ["datastorage", "gateway", "processor"];

/** A test command that only asks every service for /healthz. */
const HEALTHZ_ONLY = [
  "node",
  "--input-type=module",
  "-e",
  'for (const s of ["GATEWAY", "DATASTORAGE", "NOTIFIER"]) { const r = await fetch(process.env[`PADDOCK_${s}_URL`] + "/healthz"); if (r.status !== 200) process.exit(1); }',
];

describe.skipIf(!hasEngine)("coverage by default: the hybrid-stack example on a real Docker engine", () => {
  let stackDir: string;
  beforeAll(() => {
    stackDir = copyExample();
  });

  let full: CoverageSummaryFile;
  it("collects Go and Node coverage after `paddock test`, with lines covered for every service, also with no Go on the host", { timeout: 900_000 }, async () => {
    // No `go` on PATH: `go tool covdata` runs in the notifier's own Go build stage.
    const run = await runCli(["test", "--progress", "plain"], { cwd: stackDir, env: { PATH: pathWithoutGo() }, timeoutMs: 900_000 });
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    const { dir, summary } = latestCoverage(stackDir);
    full = summary;
    expect(Object.keys(summary.services).sort()).toEqual(["datastorage", "gateway", "notifier", "processor"]);
    for (const name of [...NODE_SERVICES, "notifier"]) {
      const s = summary.services[name]!;
      expect(s.lines?.covered, `${name}: ${JSON.stringify(s)}`).toBeGreaterThan(0);
      expect(s.exitCode, name).toBe(0);
      expect(s.note, name).toBeUndefined();
    }
    expect(summary.services["notifier"]?.kind).toBe("go");
    for (const name of NODE_SERVICES) {
      expect(summary.services[name]?.kind).toBe("node");
      expect(summary.services[name]?.functions?.covered).toBeGreaterThan(0);
      expect(summary.services[name]?.branches?.covered).toBeGreaterThan(0);
      // The script was copied out of the container: the summary does not depend on the host's layout.
      expect(filesIn(path.join(dir, name, "sources", "app"))).toEqual(["server.js"]);
    }
    expect(filesIn(dir)).toEqual(expect.arrayContaining(["lcov.info", "html", "summary.json"]));
    expect(summary.node?.lines.covered).toBe(NODE_SERVICES.reduce((n, s) => n + (summary.services[s]?.lines?.covered ?? 0), 0));
    // One line per service at the end of the run.
    for (const name of [...NODE_SERVICES, "notifier"]) expect(run.stderr).toMatch(new RegExp(`\\n  ${name}\\s+(node|go)\\s+lines \\d+\\.\\d%`));
    expect(await leftovers(latestProfile(stackDir).runId)).toEqual(NOTHING_LEFT);
  });

  it("reports less coverage when the tests exercise less", { timeout: 600_000 }, async () => {
    expect(full, "needs the first test's run").toBeDefined();
    const run = await runCli(["test", "--progress", "quiet", "--", ...HEALTHZ_ONLY], { cwd: stackDir, env: { PATH: pathWithoutGo() }, timeoutMs: 600_000 });
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    const { summary } = latestCoverage(stackDir);
    for (const name of [...NODE_SERVICES, "notifier"]) {
      const less = summary.services[name]?.lines;
      const more = full.services[name]?.lines;
      expect(less?.covered, name).toBeGreaterThan(0);
      expect(less?.pct ?? 100, `${name}: ${JSON.stringify(less)} vs ${JSON.stringify(more)}`).toBeLessThan(more?.pct ?? 0);
    }
  });

  it("collects when the tests fail, exits with their code, and keeps the raw Go data beside its summary", { timeout: 600_000 }, async () => {
    const run = await runCli(["test", "--progress", "plain", "--", "sh", "-c", "exit 3"], { cwd: stackDir, env: { PATH: pathWithoutGo() }, timeoutMs: 600_000 });
    expect(run.code, run.stderr.slice(-3000)).toBe(3);
    const profile = latestProfile(stackDir);
    expect(profile.tasks.find((t) => t.id === "test")?.state).toBe("failed");
    expect(profile.tasks.find((t) => t.id === "collect:coverage")?.state).toBe("succeeded");
    const { dir, summary } = latestCoverage(stackDir);
    for (const name of NODE_SERVICES) expect(summary.services[name]?.lines?.covered, name).toBeGreaterThan(0);
    const go = summary.services["notifier"]!;
    expect(go.lines?.covered, JSON.stringify(go)).toBeGreaterThan(0);
    expect(go.note).toBeUndefined();
    const data = path.join(dir, "notifier", "data");
    const raw = filesIn(data);
    expect(raw.some((f) => f.startsWith("covmeta."))).toBe(true);
    expect(raw.some((f) => f.startsWith("covcounters."))).toBe(true);
    expect(await leftovers(profile.runId)).toEqual(NOTHING_LEFT);
  });
});
