import type { Command } from "commander";
import { oneLine } from "../errors.js";
import { providerEntry } from "../providers/registry.js";
import type { Leftover } from "../providers/types.js";
import { listEnvironments, recordStatus, type EnvironmentState } from "../run/environment-state.js";
import { loadStackFor } from "./common.js";

type Status = "up" | "running" | "crashed";

const STATUS_TEXT: Record<Status, string> = {
  up: "up since",
  running: "a run in progress, started",
  crashed: "left by a run that died, started",
};

/** How the provider's view of a run (from any machine) reads as a status: kept is up, alive is running. */
function remoteStatus(run: Leftover): Status {
  return run.kept ? "up" : run.alive ? "running" : "crashed";
}

/** A run as the environment itself shows it (a cluster namespace), seen from any machine. */
interface SeenRun {
  name: string;
  stack?: string;
  reason: string;
}

type LocalRow = Omit<EnvironmentState, "status"> & { status: Status; seen?: SeenRun };
type Row = LocalRow | RemoteRow;

/** A record of this folder (it has a run directory here), not only a run the environment shows. */
const recordedHere = (row: Row): row is LocalRow => "runDir" in row;

interface RemoteRow {
  runId: string;
  provider: string;
  status: Status;
  createdAt?: string;
  endpoints: [];
  seen: SeenRun;
}

/** This folder's records, each joined with what the environment shows of its run; then the runs of other machines and folders. */
function rows(local: EnvironmentState[], remote: Leftover[], provider: string): Row[] {
  const byRun = new Map(remote.map((r) => [r.run ?? r.id, r]));
  const seen = (r: Leftover): SeenRun => ({ name: r.name, ...(r.stack ? { stack: r.stack } : {}), reason: r.reason });
  const joined: Row[] = local.map((env) => {
    const there = byRun.get(env.runId);
    byRun.delete(env.runId);
    return { ...env, status: recordStatus(env), ...(there ? { seen: seen(there) } : {}) };
  });
  const others: Row[] = [...byRun.values()]
    .sort((a, b) => (a.createdAt ?? "").localeCompare(b.createdAt ?? ""))
    .map((r) => ({
      runId: r.run ?? r.id,
      provider,
      status: remoteStatus(r),
      ...(r.createdAt ? { createdAt: r.createdAt } : {}),
      endpoints: [],
      seen: seen(r),
    }));
  return [...joined, ...others];
}

function describe(row: Row): string {
  const where = row.seen ? `, ${row.seen.name}${row.seen.stack ? ` of stack ${row.seen.stack}` : ""}` : "";
  const since = row.createdAt ? ` ${row.createdAt}` : "";
  const updated = recordedHere(row) && row.updatedAt ? `, updated in place ${row.updatedAt}` : "";
  const why = row.seen ? `: ${row.seen.reason}` : "";
  const fix =
    row.status !== "crashed"
      ? ""
      : recordedHere(row)
        ? `; \`paddock down --run ${row.runId}\` removes what it left`
        : "; `paddock gc` removes it";
  return `${row.runId}  (${row.provider}${where}, ${STATUS_TEXT[row.status]}${since}${updated})${why}${fix}`;
}

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description(
      "list the environments of this stack that `paddock up` left running (and runs in progress or crashed), with their endpoints; with provider: cluster, every run on that cluster, from any machine",
    )
    .option("--json", "machine-readable output")
    .addHelpText(
      "after",
      "\nWith provider: cluster the cluster itself is asked: every namespace labelled as a Paddock run's is listed, whichever\nmachine or stack started it, alive or dead as `paddock gc` judges it (its process on this host, else its heartbeat).",
    )
    .action(async (options: { json?: boolean }, command: Command) => {
      const stack = loadStackFor(command);
      const { environments, unreadable } = listEnvironments(stack.dir);
      for (const bad of unreadable) process.stderr.write(`warning: skipped ${bad.file}: ${bad.problem}\n`);
      const provider = stack.environment.provider;
      const listed = await providerEntry(provider).listRuns?.(stack, AbortSignal.timeout(60_000));
      if (listed && !Array.isArray(listed))
        process.stderr.write(`warning: ${provider}: cannot list its runs: ${oneLine(listed.unavailable)}\n`);
      const all = rows(environments, Array.isArray(listed) ? listed : [], provider);
      if (options.json) {
        process.stdout.write(JSON.stringify(all, null, 2) + "\n");
        return;
      }
      if (all.length === 0) {
        process.stdout.write(`no environment of stack "${stack.name}" is up\n`);
        return;
      }
      for (const row of all) {
        process.stdout.write(describe(row) + "\n");
        for (const e of row.endpoints) process.stdout.write(`  ${e.service.padEnd(16)} ${e.url}\n`);
      }
    });
}
