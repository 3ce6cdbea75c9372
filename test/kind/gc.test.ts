import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { paddockBin } from "../helpers/cli.js";
import { dockerAvailable, simBin, useSim, type Sim } from "./helpers.js";

/** A cluster as a run leaves it: created by kind, with the run marker Paddock writes (labels as in run-marker.ts). */
function clusterWithMarker(
  sim: Sim,
  name: string,
  marker: { run: string; pid: number; kept: boolean } | undefined,
): void {
  const kubeconfig = path.join(sim.dir, `${name}.kubeconfig`);
  const env = { ...process.env, ...sim.env };
  execFileSync(path.join(simBin, "kind"), ["create", "cluster", "--name", name, "--kubeconfig", kubeconfig], {
    env,
    stdio: "ignore",
  });
  if (!marker) return;
  const labels = [
    `dev.paddock.run: ${marker.run}`,
    "dev.paddock.stack: demo",
    `dev.paddock.pid: "${marker.pid}"`,
    `dev.paddock.host: ${os.hostname()}`,
    ...(marker.kept ? ['dev.paddock.kept: "true"'] : []),
  ];
  const configMap = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: paddock-run\n  namespace: kube-system\n  labels:\n${labels.map((l) => `    ${l}`).join("\n")}\ndata:\n  run: ${marker.run}\n`;
  execFileSync(
    path.join(simBin, "kubectl"),
    ["apply", "--server-side", "-f", "-", "--kubeconfig", kubeconfig, "--context", `kind-${name}`],
    { env, input: configMap, stdio: ["pipe", "ignore", "ignore"] },
  );
}

const docker = dockerAvailable();
if (!docker && process.env["CI"])
  throw new Error("the Docker engine does not answer, and CI is set: simulated clusters run on it");

describe.skipIf(!docker)("paddock gc with kind (simulated)", () => {
  it(
    "deletes clusters of dead runs and unmarked pdk- clusters; keeps kept, live and foreign clusters",
    { timeout: 120_000 },
    async () => {
      const sim = useSim({ clusterCreateSeconds: 1 });
      const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default: no such process
      clusterWithMarker(sim, "pdk-demo-dead", { run: "demo-dead", pid: deadPid, kept: false });
      clusterWithMarker(sim, "pdk-demo-kept", { run: "demo-kept", pid: deadPid, kept: true });
      clusterWithMarker(sim, "pdk-demo-live", { run: "demo-live", pid: process.pid, kept: false });
      clusterWithMarker(sim, "pdk-demo-halfmade", undefined);
      clusterWithMarker(sim, "someone-elses", undefined);

      const dry = await execa(process.execPath, [paddockBin, "gc", "--only", "kind", "--dry-run"], {
        env: sim.env,
        reject: false,
      });
      expect(dry.exitCode, dry.stderr).toBe(0);
      expect(dry.stdout).toContain("would delete kind cluster pdk-demo-dead (run demo-dead): its process is gone");
      expect(sim.clusters()).toHaveLength(5);

      const gc = await execa(process.execPath, [paddockBin, "gc", "--only", "kind"], { env: sim.env, reject: false });
      expect(gc.exitCode, gc.stderr).toBe(0);
      expect(gc.stdout).toContain("deleted kind cluster pdk-demo-halfmade: no run marker");
      expect(gc.stdout).toContain("kept kind cluster pdk-demo-kept: left up on purpose");
      expect(gc.stdout).toContain(`kept kind cluster pdk-demo-live: its process ${process.pid} is running`);
      expect(sim.clusters().sort()).toEqual(["pdk-demo-kept", "pdk-demo-live", "someone-elses"]);

      await execa(process.execPath, [paddockBin, "gc", "--only", "kind", "--all"], { env: sim.env });
      expect(sim.clusters().sort()).toEqual(["pdk-demo-live", "someone-elses"]);
    },
  );
});
