import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { engineAvailable, latestProfile, leftovers, NOTHING_LEFT, smallStack } from "./docker-helpers.js";

const hasEngine = await engineAvailable();

describe.skipIf(!hasEngine)("failures on a real Docker engine name their root cause and leave nothing behind", () => {
  it(
    "a service whose readiness never comes fails within its timeout, naming it and its last log lines",
    { timeout: 120_000 },
    async () => {
      const dir = smallStack({
        services: [
          "  api:",
          "    image: paddock/debian:bookworm",
          "    command: [sh, -c, 'echo api starting on 8080 but never listening; exec sleep infinity']",
          "    ports: [8080]",
          "    ready: { http: { port: 8080, path: /healthz } }",
          "    timeout: 3s",
        ].join("\n"),
      });
      const started = Date.now();
      const result = await runCli(["test", "--progress", "plain"], { cwd: dir });
      expect(result.code).toBe(1);
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(result.stderr).toMatch(
        /service "api" was not ready within its 3s timeout \(http GET :8080\/healthz, polled for [\d.]+s: last result/,
      );
      expect(result.stderr).toContain("| api starting on 8080 but never listening");
      const profile = latestProfile(dir);
      expect(profile.tasks.find((t) => t.id === "deploy:api")?.state).toBe("failed");
      expect(profile.tasks.find((t) => t.id === "test")?.state).toBe("cancelled");
      expect(await leftovers(profile.runId)).toEqual(NOTHING_LEFT);
    },
  );

  it("a failing migration job fails the run with its output", { timeout: 120_000 }, async () => {
    const dir = smallStack({
      jobs: [
        "  migrate:",
        "    image: paddock/debian:bookworm",
        `    command: [sh, -c, 'echo applying 001_events.sql; echo "ERROR:  relation \\"events\\" already exists" >&2; exit 3']`,
        "    dependsOn: [web]",
      ].join("\n"),
    });
    const result = await runCli(["test", "--progress", "plain"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('job "migrate" failed with exit code 3');
    expect(result.stderr).toContain('| ERROR:  relation "events" already exists');
    const profile = latestProfile(dir);
    expect(profile.tasks.find((t) => t.id === "job:migrate")).toMatchObject({ state: "failed" });
    expect(await leftovers(profile.runId)).toEqual(NOTHING_LEFT);
  });

  it("a Dockerfile error names the image and the failing step", { timeout: 180_000 }, async () => {
    const dir = smallStack({
      images: "  broken: { dockerfile: broken/Dockerfile }",
      services: "  worker: { image: broken }",
      files: {
        "broken/Dockerfile": "FROM paddock/debian:bookworm\nRUN echo preparing\nRUN echo about to fail && false\n",
      },
    });
    const result = await runCli(["test", "--progress", "plain", "--no-lint"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/image "broken" failed to build at .*RUN echo about to fail && false/);
    expect(result.stderr).toMatch(/full log: .*build-broken\.log/);
  });

  it("two runs of one stack at the same time do not collide", { timeout: 180_000 }, async () => {
    const dir = smallStack({ test: '[sh, -c, "echo port=$PADDOCK_WEB_PORT; sleep 2"]' });
    const [a, b] = await Promise.all([
      runCli(["test", "--progress", "plain"], { cwd: dir }),
      runCli(["test", "--progress", "plain"], { cwd: dir }),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const portA = /port=(\d+)/.exec(a.stdout)?.[1];
    const portB = /port=(\d+)/.exec(b.stdout)?.[1];
    expect(portA).toBeDefined();
    expect(portA).not.toBe(portB);
    const runA = /run (small-\S+):/.exec(a.stderr)?.[1];
    const runB = /run (small-\S+):/.exec(b.stderr)?.[1];
    expect(runA).not.toBe(runB);
  });
});
