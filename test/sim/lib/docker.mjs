// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// The one place the simulator talks to a REAL Docker engine: image lookups for `kind load`.
import fs from "node:fs";
import { spawnSync } from "node:child_process";

export function dockerBinary() {
  return fs.existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
}

/** Returns the image ID (sha256:...) or null if the image is not present in the Docker engine. */
export function dockerImageId(ref) {
  const r = spawnSync(dockerBinary(), ["image", "inspect", "-f", "{{ .Id }}", ref], { encoding: "utf8" });
  if (r.status !== 0) return null;
  const lines = r.stdout.trim().split("\n").filter(Boolean);
  return lines.length === 1 ? lines[0] : null;
}

export function dockerAvailable() {
  const r = spawnSync(dockerBinary(), ["info"], { encoding: "utf8" });
  return r.status === 0;
}
