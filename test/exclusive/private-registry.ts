import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "../helpers/cli.js";
import { freeLocalPort as freePort } from "../helpers/ports.js";

export const registryInstalled = existsSync("/usr/bin/docker-registry");

export interface PrivateRegistry {
  /** `127.0.0.1:<port>` */
  address: string;
  pid: number;
  /** The distribution API's base URL. */
  url: string;
  stop(): void;
}

/**
 * A registry of the test's own, started by the shared bootstrap script's `registry` step on a
 * free loopback port with its own storage: the test may stop it without touching the shared one.
 */
export async function startPrivateRegistry(): Promise<PrivateRegistry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-private-registry-"));
  chmodSync(dir, 0o755); // as root the registry runs as the docker-registry user
  const port = await freePort();
  const env = {
    ...process.env,
    PADDOCK_REGISTRY_ADDR: `127.0.0.1:${port}`,
    PADDOCK_REGISTRY_DIR: path.join(dir, "storage"),
    PADDOCK_REGISTRY_CONFIG: path.join(dir, "config.yml"),
    PADDOCK_REGISTRY_LOG: path.join(dir, "registry.log"),
    PADDOCK_REGISTRY_PIDFILE: path.join(dir, "registry.pid"),
  };
  await new Promise<void>((resolve, reject) =>
    execFile(
      "bash",
      [path.join(repoRoot, "scripts", "engine-bootstrap.sh"), "registry"],
      { env, timeout: 60_000 },
      (error, _out, stderr) => (error ? reject(new Error(`the registry did not start: ${stderr}`)) : resolve()),
    ),
  );
  const pid = Number(readFileSync(env.PADDOCK_REGISTRY_PIDFILE, "utf8").trim());
  return {
    address: `127.0.0.1:${port}`,
    pid,
    url: `http://127.0.0.1:${port}`,
    stop: () => {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // already gone
      }
    },
  };
}
