import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/cli.js";
import { engineAvailable, leftovers, NOTHING_LEFT } from "./docker-helpers.js";

const hasEngine = await engineAvailable();
const exampleDir = path.join(repoRoot, "examples", "hybrid-stack");

describe.skipIf(!hasEngine)("Paddock's Vitest globalSetup", () => {
  it("runs the example's tests under Vitest with the stack up, then removes it", { timeout: 900_000 }, async () => {
    const result = await execa(
      process.execPath,
      [path.join(repoRoot, "node_modules", "vitest", "vitest.mjs"), "run", "--config", "vitest.config.mjs"],
      {
        cwd: exampleDir,
        reject: false,
        all: true,
        env: { NO_COLOR: "1", FORCE_COLOR: "0" },
      },
    );
    // eslint-disable-next-line no-control-regex
    const output = String(result.all).replace(/\x1b\[[0-9;]*m/g, "");
    expect(result.exitCode, output).toBe(0);
    expect(output).toMatch(/Tests\s+8 passed/);
    const runId = /paddock: environment (\S+) is up/.exec(output)?.[1];
    expect(runId).toBeDefined();
    expect(output).toContain(`paddock: environment ${runId} removed`);
    expect(await leftovers(runId!)).toEqual(NOTHING_LEFT);
  });
});
