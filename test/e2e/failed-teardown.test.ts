import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { runCli, tempProject } from "../helpers/cli.js";
import { DOCKER, engineAvailable, latestProfile, leftovers, NOTHING_LEFT, smallStack } from "./docker-helpers.js";

const hasEngine = await engineAvailable();

/**
 * Fault injection: the real docker client, except that removing a network fails the way dockerd
 * refuses one that still has endpoints. Everything else reaches the real engine.
 */
function dockerThatCannotRemoveNetworks(): string {
  const dir = tempProject({});
  const wrapper = path.join(dir, "docker");
  writeFileSync(
    wrapper,
    `#!/bin/sh\nif [ "$1" = network ] && [ "$2" = rm ]; then echo "Error response from daemon: error while removing network: network $3 has active endpoints" >&2; exit 1; fi\nexec ${DOCKER} "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  return wrapper;
}

describe.skipIf(!hasEngine)("a teardown that fails", () => {
  it(
    "prints the tool's output, and keeps the whole error in logs/env-delete.log and profile.json",
    { timeout: 120_000 },
    async () => {
      const dir = smallStack();
      const result = await runCli(["test", "--progress", "plain"], {
        cwd: dir,
        env: { PADDOCK_DOCKER: dockerThatCannotRemoveNetworks() },
      });
      const profile = latestProfile(dir);
      try {
        expect(result.code).toBe(1);
        expect(profile.tasks.find((t) => t.id === "test")?.state).toBe("succeeded");
        const teardown = profile.tasks.find((t) => t.id === "env:delete");
        expect(teardown?.state).toBe("failed");
        for (const text of [
          result.stderr,
          teardown?.error ?? "",
          readFileSync(path.join(dir, ".paddock", "runs", profile.runId, "logs", "env-delete.log"), "utf8"),
        ]) {
          expect(text).toContain(`teardown of run ${profile.runId} did not finish`);
          expect(text).toMatch(/command: \S*docker network rm \S+/);
          expect(text).toMatch(
            /\| Error response from daemon: error while removing network: network \S+ has active endpoints/,
          );
          expect(text).toContain("paddock gc");
        }
      } finally {
        for (const network of (await leftovers(profile.runId)).networks)
          await execa(DOCKER, ["network", "rm", network], { reject: false });
      }
      expect(await leftovers(profile.runId)).toEqual(NOTHING_LEFT);
    },
  );
});
