import { readdirSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { paddockBin, runCli } from "../helpers/cli.js";
import { waitFor } from "../helpers/wait.js";
import { engineAvailable, latestProfile, leftovers, NOTHING_LEFT, smallStack } from "./docker-helpers.js";

const hasEngine = await engineAvailable();

describe.skipIf(!hasEngine)("paddock gc", () => {
  it("removes what a killed run left, and keeps an environment left up on purpose", { timeout: 180_000 }, async () => {
    const kept = smallStack();
    const up = await runCli(["up", "--progress", "quiet"], { cwd: kept });
    expect(up.code, up.stderr).toBe(0);
    const keptRun = latestProfile(kept).runId;

    // A run killed with SIGKILL cannot tear down: its containers stay behind.
    const crashed = smallStack({
      services: [
        "  slow:",
        "    image: paddock/debian:bookworm",
        "    command: [sleep, infinity]",
        '    ready: { log: "never printed" }',
        "    timeout: 60s",
      ].join("\n"),
    });
    const child = execa(process.execPath, [paddockBin, "up", "--progress", "plain"], {
      cwd: crashed,
      reject: false,
      all: true,
    });
    await new Promise<void>((resolve) =>
      child.all?.on("data", (chunk: Buffer) => /deploy:slow\s+running/.test(chunk.toString()) && resolve()),
    );
    const crashedRun = readdirSync(path.join(crashed, ".paddock", "runs")).filter((d) => d !== "latest")[0] ?? "";
    // Killed once its slow service's container exists: nothing tears it down.
    await waitFor("the slow service's container", async () =>
      (await leftovers(crashedRun)).containers.some((c) => c.endsWith("-slow")),
    );
    child.kill("SIGKILL");
    await child;
    expect((await leftovers(crashedRun)).containers.length).toBeGreaterThan(0);

    const gc = await runCli(["gc", "--only", "docker"]);
    expect(gc.code, gc.stderr).toBe(0);
    expect(gc.stdout).toContain(`removed ${crashedRun}`);
    expect(gc.stdout).toContain(`kept ${keptRun}: left up on purpose`);
    expect(await leftovers(crashedRun)).toEqual(NOTHING_LEFT);
    expect((await leftovers(keptRun)).containers.length).toBe(1);

    const down = await runCli(["down"], { cwd: kept });
    expect(down.code).toBe(0);
    expect(await leftovers(keptRun)).toEqual(NOTHING_LEFT);
  });
});
