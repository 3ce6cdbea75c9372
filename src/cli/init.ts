import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { PaddockError } from "../errors.js";
import { convertProject } from "../init/convert.js";
import { detectDockerfiles } from "../init/detect.js";
import { COMPOSE_FILE_NAMES, loadComposeProject } from "../init/load-compose.js";
import { sanitizeName } from "../init/names.js";
import { renderStarter } from "../init/starter.js";
import { urlHint } from "../init/url-hints.js";
import { noteLines, renderStackFile } from "../init/write-yaml.js";

interface InitOptions {
  from?: string[];
  profile?: string[];
  envFile?: string;
  projectName?: string;
  output?: string;
  force?: boolean;
  stdout?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function registerInit(program: Command): void {
  program
    .command("init")
    .description(
      "write a paddock.yaml: converted from your Compose file(s) (--from), or a commented starting point from the Dockerfiles here",
    )
    .option(
      "-f, --from <file>",
      "a Compose file, or a folder holding one (repeat to merge several, as `docker compose -f`)",
      collect,
    )
    .option("--profile <name>", "a Compose profile to include (repeatable; default: COMPOSE_PROFILES)", collect)
    .option("--env-file <file>", "variables for ${VAR} interpolation (default: .env beside the first Compose file)")
    .option("-p, --project-name <name>", "the stack name (default: the Compose name:, else the folder name)")
    .option("-o, --output <file>", "where to write (default: paddock.yaml beside the first Compose file, or here)")
    .option("--force", "overwrite an existing paddock.yaml")
    .option("--stdout", "print the stack file instead of writing it")
    .addHelpText(
      "after",
      `
Examples:
  paddock init --from docker-compose.yml            convert; prints what did not carry over, and why
  paddock init -f compose.yaml -f compose.ci.yaml   merge two files as Compose does, then convert
  paddock init --from . --profile build --stdout    include the "build" profile; print, do not write
  paddock init                                      a commented paddock.yaml from the Dockerfiles below here

The converted file passes \`paddock plan\` as written; the notes in it (and printed) say what
Compose features have no Paddock equivalent. The mapping rules: docs/init.md.`,
    )
    .action(async (options: InitOptions) => {
      const cwd = process.cwd();
      const { text, output, report } =
        (options.from ?? []).length > 0 ? convertCompose(options, cwd) : await starter(options, cwd);
      if (options.stdout) process.stdout.write(text);
      else {
        if (existsSync(output) && !options.force) {
          throw new PaddockError(`${output} already exists; nothing was written`, {
            hint: "pass --force to overwrite it, --output FILE to write elsewhere, or --stdout to print it",
          });
        }
        mkdirSync(path.dirname(output), { recursive: true });
        writeFileSync(output, text);
        process.stderr.write(`wrote ${path.relative(cwd, output) || output}\n`);
      }
      if (report) process.stderr.write(`${report}\n`);
      process.stderr.write(
        `next: paddock plan${options.stdout ? "" : ` --config ${path.relative(cwd, output) || output}`} (the task graph), then paddock test -- YOUR_TEST_COMMAND\n`,
      );
    });
}

function convertCompose(options: InitOptions, cwd: string): { text: string; output: string; report: string } {
  const project = loadComposeProject({
    from: options.from ?? [],
    cwd,
    env: process.env,
    envFile: options.envFile,
    projectName: options.projectName,
  });
  const output = path.resolve(cwd, options.output ?? path.join(project.dir, "paddock.yaml"));
  const profiles =
    options.profile && options.profile.length > 0
      ? options.profile
      : (project.lookup("COMPOSE_PROFILES") ?? "").split(",").filter(Boolean);
  const { stack, report, origins } = convertProject(project, { profiles, outputDir: path.dirname(output) });
  const sources = project.files.map((f) => path.relative(path.dirname(output), f) || path.basename(f)).join(", ");
  const text = renderStackFile({
    stack,
    header: [
      `paddock.yaml converted by \`paddock init\` from ${sources}${profiles.length > 0 ? ` (profiles: ${profiles.join(", ")})` : ""}.`,
      "`paddock plan` shows the task graph; `paddock test -- CMD` brings the stack up, runs CMD against it, tears it down.",
      "The notes above each service say what did not carry over from Compose, and why (docs/init.md).",
      ...noteLines(report.for("")),
    ],
    notesFor: (workload) => {
      const hint = stack.services[workload] ? urlHint(stack.services[workload]) : undefined;
      return [...noteLines(report.for(origins.get(workload) ?? workload)), ...(hint ? [hint] : [])];
    },
    footer: [
      "test:                       # what `paddock test` runs, with PADDOCK_<SERVICE>_URL, _HOST and _PORT set",
      "  command: [npm, test]",
    ],
  });
  return { text, output, report: report.format() };
}

async function starter(
  options: InitOptions,
  cwd: string,
): Promise<{ text: string; output: string; report: undefined }> {
  const output = path.resolve(cwd, options.output ?? "paddock.yaml");
  const images = await detectDockerfiles(cwd);
  const compose = COMPOSE_FILE_NAMES.find((n) => existsSync(path.join(cwd, n)));
  const name = sanitizeName(options.projectName ?? path.basename(cwd));
  const text = renderStarter(name, path.dirname(output), images, compose);
  process.stderr.write(
    images.length > 0
      ? `found ${images.length} Dockerfile(s): ${images.map((i) => path.relative(cwd, i.dockerfile)).join(", ")}\n`
      : "found no Dockerfile below this folder\n",
  );
  return { text, output, report: undefined };
}
