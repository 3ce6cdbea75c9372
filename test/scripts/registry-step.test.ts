import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/cli.js";
import { freeLocalPort as freePort } from "../helpers/ports.js";

const script = path.join(repoRoot, "scripts", "engine-bootstrap.sh");
const installed = existsSync("/usr/bin/docker-registry");
if (!installed && process.env["CI"])
  throw new Error(
    "/usr/bin/docker-registry is missing, and CI is set: run `sudo bash scripts/engine-bootstrap.sh registry` first",
  );
if (!installed)
  console.warn(
    "SKIPPED test/scripts/registry-step.test.ts: Debian's docker-registry is not installed (sudo bash scripts/engine-bootstrap.sh registry installs it)",
  );

interface StepResult {
  code: number;
  stderr: string;
}

function runStep(env: Record<string, string>): Promise<StepResult> {
  return new Promise((resolve) => {
    execFile(
      "bash",
      [script, "registry"],
      { env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000 },
      (error, _stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stderr });
      },
    );
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(pid: number): Promise<void> {
  for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 25));
  expect(alive(pid)).toBe(false);
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}

describe.skipIf(!installed)("engine-bootstrap.sh registry", () => {
  let dir: string;
  let env: Record<string, string>;
  let port: number;
  const pidFile = (): string => env["PADDOCK_REGISTRY_PIDFILE"]!;
  const pid = (): number => Number(readFileSync(pidFile(), "utf8").trim());

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "paddock-registry-step-"));
    chmodSync(dir, 0o755); // as root the registry runs as the docker-registry user
    port = await freePort();
    env = {
      PADDOCK_REGISTRY_ADDR: `127.0.0.1:${port}`,
      PADDOCK_REGISTRY_DIR: path.join(dir, "storage"),
      PADDOCK_REGISTRY_CONFIG: path.join(dir, "config.yml"),
      PADDOCK_REGISTRY_LOG: path.join(dir, "registry.log"),
      PADDOCK_REGISTRY_PIDFILE: path.join(dir, "registry.pid"),
    };
  });

  afterAll(async () => {
    if (existsSync(pidFile()) && alive(pid())) {
      process.kill(pid(), "SIGTERM");
      await waitUntilGone(pid());
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts a registry on loopback with its own config, PID file and log, and says where they are", async () => {
    const result = await runStep(env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`answering at http://127.0.0.1:${port}/v2/`);
    expect(result.stderr).toContain(`storage ${env["PADDOCK_REGISTRY_DIR"]}, log ${env["PADDOCK_REGISTRY_LOG"]}`);
    expect(result.stderr).toContain(`kill "$(cat ${pidFile()})"`);

    const response = await fetch(`http://127.0.0.1:${port}/v2/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("docker-distribution-api-version")).toBe("registry/2.0");
    expect(readFileSync(`/proc/${pid()}/cmdline`, "utf8")).toContain("docker-registry");

    const config = readFileSync(env["PADDOCK_REGISTRY_CONFIG"]!, "utf8");
    expect(config).toMatch(/delete:\n\s+enabled: true/);
    expect(config).toContain(`addr: 127.0.0.1:${port}`);
    expect(config).toContain(`rootdirectory: ${env["PADDOCK_REGISTRY_DIR"]}`);
    expect(readFileSync(env["PADDOCK_REGISTRY_LOG"]!, "utf8")).toContain(`listening on 127.0.0.1:${port}`);

    // Not reachable on the machine's other addresses.
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === "IPv4" && !a.internal);
    if (external) expect(await connects(external.address, port)).toBe(false);
  });

  it("returns at once on a second call, with the same registry", async () => {
    const before = pid();
    const result = await runStep(env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`already running at http://127.0.0.1:${port}/v2/ (pid ${before})`);
    expect(pid()).toBe(before);
  });

  it("replaces a stale PID file (its process is gone, or is not a registry)", async () => {
    const old = pid();
    process.kill(old, "SIGTERM");
    await waitUntilGone(old);
    // A live process that is not the registry: this test runner.
    writeFileSync(pidFile(), `${process.pid}\n`);
    const result = await runStep(env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      `removing stale PID file ${pidFile()} (pid ${process.pid} is not a running registry)`,
    );
    expect(pid()).not.toBe(process.pid);
    expect((await fetch(`http://127.0.0.1:${port}/v2/`)).status).toBe(200);
  });

  it("refuses an address that is not loopback", async () => {
    const result = await runStep({ ...env, PADDOCK_REGISTRY_ADDR: `0.0.0.0:${port}` });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("PADDOCK_REGISTRY_ADDR=0.0.0.0");
    expect(result.stderr).toContain("loopback only");
  });

  it("stops with a clear message when something else answers on the port", async () => {
    const other = http.createServer((_req, res) => res.writeHead(404).end("nope"));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const otherPort = (other.address() as net.AddressInfo).port;
    try {
      const result = await runStep({
        ...env,
        PADDOCK_REGISTRY_ADDR: `127.0.0.1:${otherPort}`,
        PADDOCK_REGISTRY_PIDFILE: path.join(dir, "other.pid"),
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(
        `something that is not a registry answers at 127.0.0.1:${otherPort} (GET /v2/: HTTP 404)`,
      );
      expect(existsSync(path.join(dir, "other.pid"))).toBe(false);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
