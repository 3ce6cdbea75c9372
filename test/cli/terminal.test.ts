import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { execa, type ResultPromise } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { paddockBin, tempProject } from "../helpers/cli.js";
import { BASE_IMAGE, DOCKER, engineAvailable, smallStack } from "../e2e/docker-helpers.js";

const hasEngine = await engineAvailable();

/**
 * Runs paddock on a pseudo-terminal (util-linux `script`), as a person at a terminal would;
 * everything it writes lands in `typescript`. CI and colour variables are cleared unless given.
 */
function onTerminal(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): { run: ResultPromise; typescript: string } {
  const typescript = path.join(cwd, "typescript.out");
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  // A pty made without a terminal around it has no size: give it a usual one.
  const command = `stty cols 160 rows 40; exec ${[process.execPath, paddockBin, ...args].map(quote).join(" ")}`;
  const run = execa("script", ["-qfec", command, typescript], {
    cwd,
    env: { CI: "", NO_COLOR: "", FORCE_COLOR: "", TERM: "xterm-256color", ...env },
    reject: false,
    stdin: "ignore",
    timeout: 240_000,
  });
  return { run, typescript };
}

const read = (file: string): string => (existsSync(file) ? readFileSync(file, "utf8") : "");
/** The text a terminal shows, escape codes removed. */
// eslint-disable-next-line no-control-regex
const visible = (text: string): string => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");

describe.skipIf(!hasEngine)("paddock on a terminal", () => {
  it("NO_COLOR=1 turns off every escape code; without it the same run is coloured", { timeout: 300_000 }, async () => {
    const plain = onTerminal(["test"], smallStack(), { NO_COLOR: "1" });
    const result = await plain.run;
    expect(result.exitCode, read(plain.typescript).slice(-2000)).toBe(0);
    const output = read(plain.typescript);
    expect(output).toContain("Critical path");
    expect(output).not.toContain("\x1b");

    const coloured = onTerminal(["test"], smallStack());
    expect((await coloured.run).exitCode).toBe(0);
    expect(read(coloured.typescript)).toMatch(/\x1b\[[0-9;]*m/); // eslint-disable-line no-control-regex
  });

  describe("a build that takes a while", () => {
    const stack = `ptyslow${Date.now().toString(36)}`;
    afterAll(async () => {
      const images = (
        await execa(DOCKER, [
          "images",
          "--format",
          "{{.Repository}}:{{.Tag}}",
          "--filter",
          `reference=paddock/${stack}-*`,
        ])
      ).stdout
        .split("\n")
        .filter(Boolean);
      if (images.length > 0) await execa(DOCKER, ["rmi", ...images], { reject: false });
    });

    it("shows its current step in the live list while it runs", { timeout: 300_000 }, async () => {
      const dir = tempProject({
        // A unique first step, so neither Paddock's cache nor the layer cache skips the sleep.
        "slow/Dockerfile": `FROM ${BASE_IMAGE}\nRUN echo ${stack} > /nonce\nRUN sleep 12\nUSER 1000\n`,
        "paddock.yaml": [
          `name: ${stack}`,
          "images:",
          "  slow: { dockerfile: slow/Dockerfile }",
          "services:",
          "  app: { image: slow, command: [sh, -c, 'echo up; exec sleep infinity'], ready: { log: up } }",
          'test: { command: ["true"] }',
        ].join("\n"),
      });
      const { run, typescript } = onTerminal(["test", "--progress", "tty"], dir);
      let screen = "";
      // Wait for the step to be on screen (polling the captured output), or for the run to end.
      let ended = false;
      void run.finally(() => (ended = true));
      while (!ended && !/build:slow\s+\d+\.\ds\s+\[3\/3\] RUN sleep 12/.test(visible(screen))) {
        await new Promise((r) => setTimeout(r, 100));
        screen = read(typescript);
      }
      expect(visible(screen)).toMatch(/build:slow\s+\d+\.\ds\s+\[3\/3\] RUN sleep 12/);
      expect(visible(screen)).not.toMatch(/✓ build:slow/); // still building when the step showed
      const result = await run;
      expect(result.exitCode, read(typescript).slice(-2000)).toBe(0);
      expect(visible(read(typescript))).toMatch(/✓ build:slow\s+1\d\.\ds/);
    });
  });
});
