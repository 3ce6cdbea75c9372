/**
 * How `paddock gc` and `paddock status` judge a run's namespace: on this host by its process,
 * elsewhere by its heartbeat, kept ones always alive. (The end-to-end case, a run killed on a
 * machine that vanished, is in cluster-provider.test.ts.)
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import { describe, expect, it } from "vitest";
import { namespaceLiveness } from "../../src/providers/cluster/garbage.js";

const now = Date.parse("2026-12-02T02:00:00Z");
const namespace = (labels: Record<string, string>, beatSecondsAgo?: number) => ({
  metadata: {
    name: "pdk-x",
    labels: { "dev.paddock.run": "x", "dev.paddock.user": "ci", ...labels },
    annotations:
      beatSecondsAgo === undefined
        ? {}
        : { "dev.paddock/heartbeat": new Date(now - beatSecondsAgo * 1000).toISOString() },
  },
});

/** The pid of a process that has just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "0"]);
  return child.pid!;
}

describe("a run namespace's liveness", () => {
  it("on this host: alive while its process runs, dead once it is gone (whatever its heartbeat)", () => {
    const here = { "dev.paddock.host": os.hostname() };
    expect(namespaceLiveness(namespace({ ...here, "dev.paddock.pid": String(process.pid) }, 5000), now, 600)).toEqual({
      alive: true,
      kept: false,
      reason: `its process ${process.pid} is running here`,
    });
    const gone = deadPid();
    expect(namespaceLiveness(namespace({ ...here, "dev.paddock.pid": String(gone) }, 1), now, 600)).toEqual({
      alive: false,
      kept: false,
      reason: `its process ${gone} on this host is gone`,
    });
  });

  it("elsewhere: alive while its heartbeat is younger than the threshold; a missing heartbeat is dead", () => {
    const there = { "dev.paddock.host": "ci-runner-7", "dev.paddock.pid": "4242" };
    expect(namespaceLiveness(namespace(there, 599), now, 600)).toMatchObject({
      alive: true,
      reason: "run by ci@ci-runner-7, heartbeat 599s ago",
    });
    expect(namespaceLiveness(namespace(there, 600), now, 600)).toMatchObject({
      alive: false,
      reason: "run by ci@ci-runner-7, heartbeat 600s ago (older than 600s)",
    });
    expect(namespaceLiveness(namespace(there), now, 600)).toMatchObject({
      alive: false,
      reason: "run by ci@ci-runner-7, heartbeat missing (older than 600s)",
    });
  });

  it("kept (left up on purpose) is alive, on any host", () => {
    const kept = namespace({ "dev.paddock.host": "ci-runner-7", "dev.paddock.kept": "true" }, 99_999);
    expect(namespaceLiveness(kept, now, 600)).toEqual({
      alive: true,
      kept: true,
      reason: "left up on purpose (paddock up / --keep)",
    });
  });
});
