/** Live progress output, fed by the scheduler through `ProgressEvent`s: picks the renderer for a mode. */

import { createLineProgress } from "./progress-lines.js";
import { createTtyProgress } from "./progress-tty.js";
import type { Progress, ProgressOptions } from "./progress-types.js";

function createJsonProgress(stream: NodeJS.WritableStream): Progress {
  return {
    onEvent(event) {
      stream.write(`${JSON.stringify(event)}\n`);
    },
    close() {},
  };
}

/** A progress renderer for the given mode. Call `close()` when the run is over. */
export function createProgress(options: ProgressOptions): Progress {
  switch (options.mode) {
    case "json":
      return createJsonProgress(options.stream);
    case "plain":
      return createLineProgress(options.stream, false);
    case "quiet":
      return createLineProgress(options.stream, true);
    case "tty":
      return createTtyProgress(options);
  }
}
