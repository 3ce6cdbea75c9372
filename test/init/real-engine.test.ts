import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot, runCli } from "../helpers/cli.js";
import { DOCKER, engineAvailable, latestProfile, leftovers, NOTHING_LEFT } from "../e2e/docker-helpers.js";

const hasEngine = await engineAvailable();
/** The stack name given to init: the images this test builds are paddock/<name>-*, removed afterwards. */
const STACK = "paddock-init-e2e";

/** bench/compose/docker-compose.yml and the example files it points at, at the same relative paths. */
function copyBenchCompose(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "paddock-init-real-"));
  cpSync(
    path.join(repoRoot, "bench", "compose", "docker-compose.yml"),
    path.join(root, "bench", "compose", "docker-compose.yml"),
  );
  for (const part of ["images", "services", "migrations", "tests"]) {
    cpSync(path.join(repoRoot, "examples", "hybrid-stack", part), path.join(root, "examples", "hybrid-stack", part), {
      recursive: true,
      filter: (src) => !/[/\\](node_modules|\.paddock)([/\\]|$)/.test(src),
    });
  }
  return path.join(root, "bench", "compose");
}

describe.skipIf(!hasEngine)("paddock init --from the benchmark's Compose file, on a real engine", () => {
  afterAll(async () => {
    const images = (
      await execa(DOCKER, [
        "images",
        "--format",
        "{{.Repository}}:{{.Tag}}",
        "--filter",
        `reference=paddock/${STACK}-*`,
      ])
    ).stdout
      .split("\n")
      .filter(Boolean);
    if (images.length > 0) await execa(DOCKER, ["rmi", ...images], { reject: false });
  });

  it(
    "converts it, and `paddock test` of the converted stack passes the example's tests",
    { timeout: 1_200_000 },
    async () => {
      const composeDir = copyBenchCompose();
      const init = await runCli(["init", "--from", "docker-compose.yml", "--project-name", STACK], { cwd: composeDir });
      expect(init.code, init.stderr).toBe(0);
      const stack = parse(readFileSync(path.join(composeDir, "paddock.yaml"), "utf8")) as {
        images: Record<string, { args?: Record<string, string> }>;
        jobs: Record<string, unknown>;
        services: Record<string, unknown>;
      };
      expect(Object.keys(stack.jobs)).toEqual(["migrations"]);
      expect(Object.keys(stack.services).sort()).toEqual([
        "datastorage",
        "gateway",
        "notifier",
        "postgresql",
        "processor",
        "redis",
      ]);
      expect(stack.images["gateway"]?.args).toEqual({ RUNTIME_IMAGE: "${images.node-runtime}" });

      // Compose knows no endpoint URLs: the example's psql check needs PostgreSQL's, which a user
      // would write as `url:` (init leaves a hint); here the test command sets it.
      const tests =
        'export PADDOCK_POSTGRESQL_URL="postgresql://paddock:paddock@$PADDOCK_POSTGRESQL_HOST:$PADDOCK_POSTGRESQL_PORT/app"; exec node --test ../../examples/hybrid-stack/tests/';
      expect(readFileSync(path.join(composeDir, "paddock.yaml"), "utf8")).toContain(
        '# hint: url: "postgresql://USER:PASSWORD@{host}:{port}/DATABASE"',
      );
      const run = await runCli(["test", "--progress", "plain", "--", "sh", "-c", tests], {
        cwd: composeDir,
        timeoutMs: 1_100_000,
      });
      expect(run.code, run.stderr.slice(-4000)).toBe(0);
      const profile = latestProfile(composeDir);
      expect(profile.state).toBe("succeeded");
      expect(profile.tasks.find((t) => t.id === "test")?.state).toBe("succeeded");
      expect(profile.tasks.find((t) => t.id === "job:migrations")?.state).toBe("succeeded");
      expect(await leftovers(profile.runId)).toEqual(NOTHING_LEFT);
    },
  );
});
