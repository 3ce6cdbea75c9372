// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Environment, sim.json config, simulated time, and the command log.
import fs from "node:fs";
import path from "node:path";

/** Thrown to end a command: message goes to stderr (if any), exit code as given. */
export class CliExit extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

export function simDir() {
  const dir = process.env.PADDOCK_SIM_DIR;
  if (!dir) {
    process.stderr.write(
      "paddock-sim: PADDOCK_SIM_DIR is not set. This is the TEST SIMULATOR of kind/kubectl, " +
        "not the real tool; set PADDOCK_SIM_DIR to a state directory.\n",
    );
    process.exit(70);
  }
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const DEFAULTS = {
  timeScale: 1,
  clusterCreateSeconds: 20,
  clusterDeleteSeconds: 1,
  failClusterCreate: false,
  flakyClusterCreate: false,
  crdEstablishSeconds: 1,
  imageLoadSeconds: 2,
  imagePullBackOff: [],
  pullableImages: [],
  failImageImport: [],
  flakyImageImport: [],
  nodes: 1,
};

/** sim.json fields of the timestamp model, replaced by real behaviour: say how to get it now. */
const REMOVED = {
  readySeconds: "readiness is real now: give the container a readinessProbe (or nothing: Ready once it runs)",
  crashLoop: "containers run for real: give the workload a command that exits",
  failJobs: "Jobs run for real: give the Job's container a command that exits non-zero",
  ignoreSigterm: "processes run for real: give the container a command that ignores SIGTERM",
  coverageScripts: "coverage is written by the real processes (NODE_V8_COVERAGE, GOCOVERDIR)",
  podTerminateSeconds: "pods stop for real: terminationGracePeriodSeconds bounds it",
};

let cached;
export function config() {
  if (cached) return cached;
  const file = path.join(simDir(), "sim.json");
  let user = {};
  if (fs.existsSync(file)) {
    try {
      user = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      process.stderr.write(`paddock-sim: invalid ${file}: ${e.message}\n`);
      process.exit(70);
    }
  }
  for (const [field, why] of Object.entries(REMOVED)) {
    if (field in user) {
      process.stderr.write(`paddock-sim: ${file}: "${field}" is no longer supported: ${why}\n`);
      process.exit(70);
    }
  }
  cached = { ...DEFAULTS, ...user };
  return cached;
}

/** Real milliseconds for a number of simulated seconds. */
export function realMs(simSeconds) {
  return Math.max(0, simSeconds * 1000 * config().timeScale);
}

/** Simulated seconds elapsed since a real epoch-ms timestamp. */
export function simElapsed(sinceMs, now = Date.now()) {
  const scale = config().timeScale || 1;
  return (now - sinceMs) / 1000 / scale;
}

/** Real epoch ms at which `simSeconds` have elapsed after `sinceMs`. */
export function atSim(sinceMs, simSeconds) {
  return sinceMs + realMs(simSeconds);
}

export function sleepSim(simSeconds) {
  return new Promise((r) => setTimeout(r, realMs(simSeconds)));
}

export function sleepMs(ms) {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

export function out(s) {
  process.stdout.write(s.endsWith("\n") ? s : s + "\n");
}
export function err(s) {
  process.stderr.write(s.endsWith("\n") ? s : s + "\n");
}

/** CPU this process used so far (user + system), from its start: module loading included. */
function cpuMs() {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
}

/** Runs a CLI main function, records the invocation in commands.jsonl, sets the exit code. */
export async function runCli(tool, main) {
  const t = Date.now();
  const args = process.argv.slice(2);
  const dir = simDir();
  let code = 0;
  try {
    code = (await main(args)) ?? 0;
  } catch (e) {
    if (e instanceof CliExit) {
      if (e.message) err(e.message);
      code = e.code;
    } else {
      err(`paddock-sim internal error: ${e?.stack ?? e}`);
      code = 70;
    }
  }
  fs.appendFileSync(
    path.join(dir, "commands.jsonl"),
    JSON.stringify({ t, argv: [tool, ...args], exit: code, ms: Date.now() - t, cpuMs: cpuMs() }) + "\n",
  );
  process.exitCode = code;
}

export async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}
