import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import libCoverage, { type CoverageMap, type CoverageSummary } from "istanbul-lib-coverage";
import libReport from "istanbul-lib-report";
import reports from "istanbul-reports";
import v8ToIstanbul from "v8-to-istanbul";
import { totals, type CoverageTotals } from "./totals.js";
import { applicationScriptPath, readV8Coverage, v8CoverageFiles, type V8ScriptCoverage } from "./v8-data.js";

/** Lines, functions, branches and statements of some Node code. */
export interface NodeTotals {
  lines: CoverageTotals;
  functions: CoverageTotals;
  branches: CoverageTotals;
  statements: CoverageTotals;
}

export interface NodeServiceData {
  service: string;
  /** The V8 JSON files NODE_V8_COVERAGE wrote. */
  dataDir: string;
  /** Copies of the scripts, at their in-container paths below this directory (/app/server.js → sourcesDir/app/server.js). */
  sourcesDir: string;
}

export interface NodeServiceSummary extends NodeTotals {
  service: string;
  /** Application scripts the summary covers (in-container paths). */
  scripts: string[];
  /** Scripts in the V8 data whose source could not be read, and why. */
  problems: string[];
}

export interface NodeSummary {
  services: NodeServiceSummary[];
  /** All Node services together (istanbul merge of their file coverage). */
  merged: NodeTotals;
  map: CoverageMap;
}

function fromIstanbul(summary: CoverageSummary): NodeTotals {
  const t = (m: { covered: number; total: number }): CoverageTotals => totals(m.covered, m.total);
  return { lines: t(summary.lines), functions: t(summary.functions), branches: t(summary.branches), statements: t(summary.statements) };
}

function summarize(map: CoverageMap, files: string[]): NodeTotals {
  const summary = libCoverage.createCoverageSummary();
  for (const file of files) summary.merge(map.fileCoverageFor(file).toSummary());
  return fromIstanbul(summary);
}

/** One service's V8 data as istanbul file coverage, keyed by the host copies of its scripts. */
export async function nodeServiceCoverage(data: NodeServiceData): Promise<{ map: CoverageMap; scripts: string[]; problems: string[] }> {
  const map = libCoverage.createCoverageMap({});
  const scripts = new Set<string>();
  const problems: string[] = [];
  for (const file of v8CoverageFiles(data.dataDir)) {
    let scriptsInFile: V8ScriptCoverage[];
    try {
      scriptsInFile = readV8Coverage(file);
    } catch (error) {
      problems.push(`${path.basename(file)}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    for (const script of scriptsInFile) {
      const inContainer = applicationScriptPath(script.url);
      if (!inContainer) continue;
      const hostCopy = path.join(data.sourcesDir, inContainer);
      if (!existsSync(hostCopy)) {
        if (!problems.some((p) => p.startsWith(inContainer))) problems.push(`${inContainer}: source not copied out of the container`);
        continue;
      }
      try {
        const converter = v8ToIstanbul(hostCopy, 0, { source: readFileSync(hostCopy, "utf8") });
        await converter.load();
        converter.applyCoverage(script.functions);
        map.merge(converter.toIstanbul());
        converter.destroy();
        scripts.add(inContainer);
      } catch (error) {
        problems.push(`${inContainer}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return { map, scripts: [...scripts].sort(), problems };
}

/**
 * Per-service and merged summaries of Node services' V8 coverage, plus an lcov file and an
 * HTML report in `outDir` (lcov.info, html/index.html) when there is anything to report.
 */
export async function summarizeNode(services: NodeServiceData[], outDir: string | undefined): Promise<NodeSummary> {
  const merged = libCoverage.createCoverageMap({});
  const summaries: NodeServiceSummary[] = [];
  for (const data of services) {
    const { map, scripts, problems } = await nodeServiceCoverage(data);
    summaries.push({ service: data.service, scripts, problems, ...summarize(map, map.files()) });
    merged.merge(map);
  }
  if (outDir && merged.files().length > 0) writeNodeReports(merged, outDir);
  return { services: summaries, merged: summarize(merged, merged.files()), map: merged };
}

/** lcov.info (SF paths relative to outDir: <service>/sources/app/server.js) and html/ for a coverage map. */
export function writeNodeReports(map: CoverageMap, outDir: string): void {
  const lcov = libReport.createContext({ dir: outDir, coverageMap: map });
  reports.create("lcovonly", { file: "lcov.info", projectRoot: outDir }).execute(lcov);
  const html = libReport.createContext({ dir: path.join(outDir, "html"), coverageMap: map, defaultSummarizer: "nested" });
  reports.create("html", {}).execute(html);
}
