import type { Command } from "commander";
import type { ProviderName } from "../config/stack.js";
import { providerEntries } from "../providers/registry.js";
import type { GarbageScope, ProviderEntry } from "../providers/types.js";
import { loadStackFor, oneOf, parsePositiveInt } from "./common.js";

/** The stack of this folder, if there is one that loads: gc works without it (docker, kind). */
function stackHere(command: Command): GarbageScope["stack"] {
  try {
    return loadStackFor(command);
  } catch {
    return undefined;
  }
}

interface GcOptions {
  all?: boolean;
  dryRun?: boolean;
  only?: ProviderName;
  staleAfter?: number;
}

/** One provider's sweep: what its dead runs left goes; what is alive (or kept, without --all) stays. Returns how many it removed. */
async function sweep(
  entry: ProviderEntry,
  options: GcOptions,
  scope: GarbageScope,
  write: (line: string) => void,
): Promise<number> {
  const found = await entry.garbage.find(undefined, scope);
  if (!Array.isArray(found)) {
    write(`${entry.name}: ${found.unavailable}`);
    return 0;
  }
  const doomed = found.filter((l) => !l.alive || (options.all === true && l.kept));
  for (const leftover of doomed) {
    if (!options.dryRun) await entry.garbage.remove(leftover, undefined, scope);
    const verb = options.dryRun ? entry.garbage.verbs.dryRun : entry.garbage.verbs.done;
    const run = leftover.run && leftover.run !== leftover.name ? ` (run ${leftover.run})` : "";
    write(
      `${verb} ${leftover.name}${run}${leftover.contents ? ` (${leftover.contents}; ${leftover.reason})` : `: ${leftover.reason}`}`,
    );
  }
  for (const kept of found.filter((l) => !doomed.includes(l))) write(`kept ${kept.name}: ${kept.reason}`);
  return doomed.length;
}

export function registerGc(program: Command): void {
  program
    .command("gc")
    .description(
      "remove what runs that are no longer alive left behind (labelled containers, volumes, networks; pdk-* kind clusters); environments left up on purpose stay",
    )
    .option("--all", "also remove environments left up on purpose (paddock up, --keep)")
    .option("--dry-run", "list what would be removed")
    .option(
      "--stale-after <seconds>",
      "cluster provider: a run on another machine whose heartbeat is older than this is dead (default 600)",
      parsePositiveInt("--stale-after"),
    )
    .option(
      "--only <provider>",
      "look only at one provider's leftovers",
      oneOf("--only", ["docker", "kind", "cluster"] as const),
    )
    .addHelpText(
      "after",
      "\nA run is alive while its process runs on this host, or when it was left up on purpose (`paddock up`, --keep).\nIn a folder whose stack uses provider: cluster, gc also looks at that cluster: a run on another machine is alive\nwhile its namespace's heartbeat is fresh (renewed every 30 s), so the next CI runner cleans up after one that vanished.",
    )
    .action(async (options: GcOptions, command: Command) => {
      let removed = 0;
      const write = (line: string): void => void process.stdout.write(line + "\n");
      const scope: GarbageScope = { stack: stackHere(command), staleAfterSeconds: options.staleAfter };
      for (const entry of providerEntries()) {
        if (options.only === undefined || options.only === entry.name)
          removed += await sweep(entry, options, scope, write);
      }
      if (removed === 0) process.stdout.write("nothing to remove\n");
    });
}
