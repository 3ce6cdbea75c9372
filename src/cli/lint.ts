import path from "node:path";
import type { Command } from "commander";
import { findStackFile, loadStack } from "../config/load.js";
import type { Stack } from "../config/stack.js";
import { annotateLintFindings } from "../ci/report-run.js";
import { ConfigError, PaddockError } from "../errors.js";
import {
  discoverDockerfiles,
  formatJson,
  formatSarif,
  formatText,
  hasErrors,
  lintFiles,
  type Finding,
  type LintOptions,
} from "../lint/index.js";
import { globalOptions, oneOf } from "./common.js";

/** What the linter needs from a stack: its Dockerfiles, coverage modes, build args and cache setting. */
export function lintOptionsFor(stack: Stack): LintOptions & { dockerfiles: string[] } {
  const images = Object.values(stack.images).flatMap((image) =>
    image.source.type === "dockerfile"
      ? [
          {
            name: image.name,
            dockerfile: image.source.dockerfile,
            coverage: image.coverage,
            args: image.source.args,
            target: image.source.target,
          },
        ]
      : [],
  );
  return {
    config: stack.lint,
    cwd: stack.dir,
    stack: { file: stack.file, noCache: stack.build.noCache, noCacheLine: stack.build.noCacheLine, images },
    dockerfiles: [...new Set(images.map((i) => i.dockerfile))],
  };
}

/** `paddock up`/`test` preflight: warnings printed, errors stop the run unless --no-lint. */
export async function lintStackPreflight(stack: Stack, options: { failOnError: boolean }): Promise<Finding[]> {
  const { dockerfiles, ...lintOptions } = lintOptionsFor(stack);
  const findings = (await lintFiles(dockerfiles, lintOptions)).map((f) => ({
    ...f,
    file: path.relative(process.cwd(), path.resolve(stack.dir, f.file)) || f.file,
  }));
  if (findings.length > 0) process.stderr.write(formatText(findings) + "\n");
  annotateLintFindings(findings);
  if (options.failOnError && hasErrors(findings)) {
    throw new PaddockError("Dockerfile lint found errors (above); nothing was started", {
      hint: "fix them, silence one with `# paddock-ignore: <rule> <reason>` above the instruction, set lint.rules in paddock.yaml, or pass --no-lint",
    });
  }
  return findings;
}

interface LintCommandOptions {
  format: "text" | "json" | "sarif";
}

export function registerLint(program: Command): void {
  program
    .command("lint [paths...]")
    .description(
      "check Dockerfiles against build policy (package upgrades, pinned bases, cache order, non-root, coverage args, --no-cache)",
    )
    .option(
      "-f, --format <format>",
      "text, json or sarif",
      oneOf("--format", ["text", "json", "sarif"] as const),
      "text",
    )
    .addHelpText(
      "after",
      "\nWith no paths: the Dockerfiles the stack builds, or every Dockerfile below the current directory.\nExit code 1 when a finding has error severity. Rules and configuration: docs/lint.md",
    )
    .action(async (paths: string[], options: LintCommandOptions, command: Command) => {
      let lintOptions: LintOptions = {};
      let files = paths;
      let stackFile: string | undefined;
      try {
        stackFile = findStackFile(process.cwd(), globalOptions(command).config);
      } catch (error) {
        if (!(error instanceof ConfigError) || globalOptions(command).config) throw error;
      }
      if (stackFile) {
        const { dockerfiles, ...fromStack } = lintOptionsFor(loadStack(stackFile));
        lintOptions = fromStack;
        if (files.length === 0) files = dockerfiles;
      }
      if (files.length === 0) files = await discoverDockerfiles(process.cwd());
      const base = lintOptions.cwd ?? process.cwd();
      const findings = (await lintFiles(files, lintOptions)).map((f) => ({
        ...f,
        file: path.relative(process.cwd(), path.resolve(base, f.file)) || f.file,
      }));
      const out =
        options.format === "json"
          ? formatJson(findings)
          : options.format === "sarif"
            ? formatSarif(findings, { rootDir: base })
            : formatText(findings) || `no findings in ${files.length} file(s)`;
      process.stdout.write(out + "\n");
      process.exitCode = hasErrors(findings) ? 1 : 0;
    });
}
