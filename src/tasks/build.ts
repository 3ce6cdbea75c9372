import { buildImage } from "../build/build-image.js";
import type { BuildContext } from "./run-context.js";
import type { TaskKindDefinition, TaskResult } from "./types.js";

/**
 * Makes one stack image available under its content key (reused when it exists) and records
 * the reference workloads run. The build writes its own log (logs/build-<image>.log); its
 * errors carry the last lines. `onLine` also receives each output line as it comes.
 */
export async function buildStackImage(name: string, build: BuildContext, options: { signal: AbortSignal; onLine?: (line: string) => void }): Promise<TaskResult> {
  const keyed = build.keyed.get(name);
  if (!keyed) throw new Error(`no content key for image "${name}"`);
  const image = await buildImage(keyed, { builder: build.builder, noCache: build.stack.build.noCache, logDir: build.logs.dir, signal: options.signal, onLine: options.onLine });
  build.built.set(name, image);
  build.references.set(name, image.tag);
  return { cached: image.cached };
}

export const buildTask: TaskKindDefinition = {
  kind: "build",
  phase: "build",
  resource: "build",
  defaultSeconds: { docker: 60, kind: 60, cluster: 60 },
  timeoutSeconds: (stack) => stack.build.timeoutSeconds,
  // Its output lines also reach the live view (the current step of a long build).
  run: (task, ctx, run) => buildStackImage(task.subject ?? "", run, { signal: ctx.signal, onLine: ctx.log }),
};
