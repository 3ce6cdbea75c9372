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
} as const;
