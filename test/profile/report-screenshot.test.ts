/**
 * Renders the HTML report in Debian's headless Chromium: a screenshot (checked to be a real picture with
 * the phase colours in it) and a DOM dump after scripts ran (checked to hold a bar for every task).
 * Without Chromium: skipped locally, a failure under CI (run scripts/install-chromium.sh).
 * PADDOCK_UPDATE_SCREENSHOT=1 also refreshes docs/img/report-example.png.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeHtml } from "../../src/profile/html-escape.js";
import { PHASE_COLORS, renderReportHtml } from "../../src/profile/report-html.js";
import type { Profile } from "../../src/profile/types.js";
import { failedGraphProfile, loadFixture } from "./helpers/fixtures.js";
import { countColor, decodePng, distinctColors } from "./helpers/png.js";

const run = promisify(execFile);
const CHROMIUM = process.env.PADDOCK_CHROMIUM ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
const inCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";
const DOCS_IMAGE = fileURLToPath(new URL("../../docs/img/report-example.png", import.meta.url));

let dir = "";
let profileCount = 0;

function chromiumArgs(userDataDir: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    `--user-data-dir=${userDataDir}`,
    "--window-size=1400,900",
  ];
}

async function writeReport(profile: Profile): Promise<string> {
  const file = join(dir, `report-${++profileCount}.html`);
  await writeFile(file, renderReportHtml(profile, { estimates: { graph: 180.5, phased: 201.1, sequential: 276.8 } }));
  return file;
}

async function chromium(extra: string[], file: string): Promise<string> {
  const userDataDir = await mkdtemp(join(dir, "profile-"));
  const { stdout } = await run(CHROMIUM, [...chromiumArgs(userDataDir), ...extra, pathToFileURL(file).href], {
    timeout: 90_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

describe("report screenshot (headless Chromium)", () => {
  it.runIf(!available && inCi)("has Chromium installed", () => {
    throw new Error(
      `${CHROMIUM} not found: run scripts/install-chromium.sh (CI must install Chromium for the report screenshot test)`,
    );
  });

  describe.skipIf(!available)("with Chromium", () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "paddock-report-"));
    });
    afterAll(async () => {
      if (dir !== "") await rm(dir, { recursive: true, force: true });
    });

    it("draws the seeds' phased report: a real picture with bars in the phase colours", async () => {
      const file = await writeReport(loadFixture("seeds-phased"));
      const png = join(dir, "phased.png");
      await chromium([`--screenshot=${png}`], file);
      const info = await stat(png);
      expect(info.size).toBeGreaterThan(10_000);
      const image = decodePng(await readFile(png));
      expect(image.width).toBe(1400);
      expect(image.height).toBe(900);
      expect(distinctColors(image)).toBeGreaterThan(50);
      // The bars: every phase of the run has a block of its colour on screen.
      expect(countColor(image, PHASE_COLORS.build)).toBeGreaterThan(2000);
      expect(countColor(image, PHASE_COLORS.environment)).toBeGreaterThan(300);
      expect(countColor(image, PHASE_COLORS.load)).toBeGreaterThan(300);
      expect(countColor(image, PHASE_COLORS.deploy)).toBeGreaterThan(500);
      if (process.env.PADDOCK_UPDATE_SCREENSHOT === "1") copyFileSync(png, DOCS_IMAGE);
    }, 120_000);

    it("has a bar for every task in the DOM after scripts ran", async () => {
      for (const profile of [loadFixture("seeds-phased"), failedGraphProfile()]) {
        const dom = await chromium(["--dump-dom"], await writeReport(profile));
        expect(dom).toContain('data-report-ready="true"');
        for (const task of profile.tasks) expect(dom).toContain(`data-task-id="${escapeHtml(task.id)}"`);
        expect(dom.match(/<g class="bar /g)).toHaveLength(profile.tasks.length);
      }
    }, 180_000);
  });
});
