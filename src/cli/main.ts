import { Command, CommanderError } from "commander";
import { annotateConfigError } from "../ci/report-run.js";
import { formatError } from "../errors.js";
import { registerDoctor } from "./doctor.js";
import { registerDown } from "./down.js";
import { registerGc } from "./gc.js";
import { registerInit } from "./init.js";
import { registerLint } from "./lint.js";
import { registerPlan } from "./plan.js";
import { registerReport } from "./report.js";
import { registerSchema } from "./schema.js";
import { registerStatus } from "./status.js";
import { registerTest } from "./test.js";
import { survivePipeErrors } from "./interrupts.js";
import { registerUp } from "./up.js";
import { registerWatch } from "./watch.js";

/** Commands register themselves; each lives in its own file. */
const REGISTRARS: ((program: Command) => void)[] = [
  registerUp,
  registerTest,
  registerWatch,
  registerDown,
  registerStatus,
  registerPlan,
  registerReport,
  registerLint,
  registerGc,
  registerDoctor,
  registerSchema,
  registerInit,
];

export function buildProgram(): Command {
  const program = new Command("paddock")
    .description(
      "Stand up end-to-end test environments as a task graph: builds, environment, deploys and tests, fast, cached and profiled.",
    )
    .version("0.1.0")
    .option("-c, --config <file>", "stack file (default: paddock.yaml here or in a parent directory)")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  program.addHelpText(
    "after",
    `
Typical use:
  paddock plan                 what would run, in what order, and how long it should take
  paddock up                   build, create the environment, deploy; prints endpoints
  paddock test -- npm test     up, run your tests against it, tear down; exits with their code
  paddock up                   again after an edit: only what changed is rebuilt and replaced
  paddock watch                update in place and rerun the tests on every change
  paddock down                 remove what \`up\` started

Every run writes .paddock/runs/<id>/ beside the stack file (profile.json, logs).`,
  );
  for (const register of REGISTRARS) register(program);
  return program;
}

/** Runs the CLI and returns the exit code (errors are printed, never thrown). */
export async function main(argv: string[]): Promise<number> {
  survivePipeErrors();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(formatError(error) + "\n");
    annotateConfigError(error);
    return 1;
  }
}
