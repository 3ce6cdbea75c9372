import { createHash } from "node:crypto";

/** Labels (or their equivalent) on everything a run creates: `paddock gc` finds leftovers by them. */
export const LABELS = {
  run: "dev.paddock.run",
  stack: "dev.paddock.stack",
  service: "dev.paddock.service",
  pid: "dev.paddock.pid",
  host: "dev.paddock.host",
  /** Set on the marker of an environment left running on purpose (`up`, --keep). */
  kept: "dev.paddock.kept",
  /** The hash of a workload's resolved spec (providers/spec-hash.ts): an update in place replaces only what changed. */
  spec: "dev.paddock.spec",
  /** Which stack file made it (a hash of its path): `paddock up` attaches only to its own stack's environments. */
  origin: "dev.paddock.origin",
} as const;

/** The value of `dev.paddock.origin` for a stack file: two checkouts of a stack of the same name differ. */
export function stackOrigin(stackFile: string): string {
  return createHash("sha256").update(stackFile).digest("hex").slice(0, 16);
}
