import { CancelledError } from "../errors.js";

const SIGNAL_NUMBER: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/**
 * Ctrl-C, SIGTERM (a CI runner stopping the job) and SIGHUP (a closed terminal) all mean the
 * same: cancel what runs and tear down. A second signal exits at once. Returns the function
 * that stops listening.
 */
export function cancelOnSignals(controller: AbortController, write: (text: string) => void): () => void {
  let received = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    received++;
    if (received === 1) {
      write(`\ninterrupted (${signal}): stopping running tasks and tearing down (Ctrl-C again to exit at once)\n`);
      controller.abort(new CancelledError(`cancelled by ${signal}`));
    } else {
      write("exiting now; run `paddock gc` to remove anything this run left behind\n");
      process.exit(128 + (SIGNAL_NUMBER[signal] ?? 2));
    }
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}

/**
 * A reader that went away (`paddock test | head -1`, a closed terminal) turns Paddock's own
 * writes into EPIPE or EIO errors. They must never end the run before its teardown: the
 * streams' errors are swallowed, and later writes go nowhere.
 */
export function survivePipeErrors(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", () => undefined);
  }
}
