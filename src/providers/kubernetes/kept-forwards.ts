import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PaddockError } from "../../errors.js";
import { sleep } from "../../util/abort.js";
import { paddockDir } from "../../util/paddock-dir.js";
import { processAlive } from "../liveness.js";
import type { Kubectl } from "./kubectl.js";

/** One forward a run had open: what it reaches, and on which local port. */
export interface ForwardSpec {
  target: string;
  namespace: string;
  remotePort: number;
  localPort: number;
}

interface KeptForward extends ForwardSpec {
  pid: number;
}

const START_TIMEOUT_MS = 30_000;

/** Where a stack records the forwards an environment left up has open (one file per namespace). */
export function keptForwardsFile(stackDir: string, namespace: string): string {
  return path.join(paddockDir(stackDir), "port-forwards", `${namespace}.json`);
}

/** The command line of a live process, or undefined (gone, or not ours to read). */
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return undefined;
  }
}

/** Is `pid` still the kubectl port-forward we started (a pid can be reused once it is gone)? */
function stillOurs(forward: KeptForward): boolean {
  if (!processAlive(forward.pid)) return false;
  const line = commandLine(forward.pid);
  return line === undefined || (line.includes("port-forward") && line.includes(forward.target));
}

function read(file: string): KeptForward[] {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as KeptForward[];
  } catch {
    return [];
  }
}

/**
 * After `paddock up` the run's own port-forwards would end with its process: each becomes a
 * detached `kubectl port-forward` on the same local port, recorded in `file` (pid and target), so
 * the endpoints `up` printed keep answering until `paddock down` (or the next `up`) stops them.
 * They are not restarted if they die (`paddock up` again opens new ones).
 */
export async function keepForwards(kubectl: Kubectl, forwards: readonly ForwardSpec[], file: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const kept: KeptForward[] = [];
  const log = `${file.replace(/\.json$/, "")}.log`;
  for (const forward of forwards) {
    const out = openSync(log, "a");
    const args = [
      "port-forward",
      "--address",
      "127.0.0.1",
      forward.target,
      `${forward.localPort}:${forward.remotePort}`,
    ];
    const child = spawn(
      "kubectl",
      [...args, "-n", forward.namespace, "--kubeconfig", kubectl.kubeconfig, "--context", kubectl.context],
      { detached: true, stdio: ["ignore", out, out], env: { ...process.env, KUBECONFIG: kubectl.kubeconfig } },
    );
    closeSync(out);
    if (child.pid === undefined)
      throw new PaddockError(`kubectl ${args.join(" ")} did not start`, { hint: "is kubectl on PATH?" });
    child.unref();
    // Recorded before it is known to work: whatever was started, `down` can stop.
    kept.push({ ...forward, pid: child.pid });
    writeFileSync(file, JSON.stringify(kept, null, 2) + "\n", { mode: 0o600 });
    await forwarding(log, forward, child.pid, `kubectl ${args.join(" ")}`);
  }
}

/** Waits until kubectl says it forwards the port (it may first wait for the listening socket to be free). */
async function forwarding(log: string, forward: ForwardSpec, pid: number, shown: string): Promise<void> {
  const line = `Forwarding from 127.0.0.1:${forward.localPort} ->`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (existsSync(log) && readFileSync(log, "utf8").includes(line)) return;
    if (!processAlive(pid))
      throw new PaddockError(`${shown} exited before it forwarded`, {
        hint: `its output is in ${log}; the local port ${forward.localPort} may be taken`,
      });
    await sleep(50);
  }
  throw new PaddockError(`${shown} did not forward within ${START_TIMEOUT_MS / 1000}s`, { hint: `see ${log}` });
}

/** Stops the port-forwards a previous `up` left (those still running as they were started) and forgets them. */
export async function stopKeptForwards(file: string): Promise<number> {
  const ours = read(file).filter(stillOurs);
  for (const forward of ours) process.kill(forward.pid, "SIGTERM");
  const deadline = Date.now() + 5_000;
  while (ours.some((f) => processAlive(f.pid)) && Date.now() < deadline) await sleep(50);
  for (const forward of ours.filter((f) => processAlive(f.pid))) process.kill(forward.pid, "SIGKILL");
  rmSync(file, { force: true });
  return ours.length;
}
