import net from "node:net";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkHostPortsFree, HostPortsInUseError } from "../../src/config/host-ports.js";
import { loadStack } from "../../src/config/load.js";
import { isLocalPortFree } from "../../src/util/local-port.js";
import { DOCKER, engineAvailable } from "../e2e/docker-helpers.js";
import { runCli } from "../helpers/cli.js";
import { expectNothingWritten, project } from "./helpers.js";

/** A port this test holds on 127.0.0.1, as another program would. */
let holder: net.Server;
let heldPort: number;

beforeAll(async () => {
  holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  heldPort = (holder.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => holder.close(() => resolve()));
});

function stackHolding(name: string, port: number): string {
  return project({
    "paddock.yaml": [
      `name: ${name}`,
      "services:",
      "  web:",
      "    image: paddock/debian:bookworm",
      "    command: [sh, -c, 'echo ready; exec sleep infinity']",
      `    ports: [8080, "${port}:9090"]`,
      '    ready: { log: "ready" }',
      "",
    ].join("\n"),
  });
}

describe("a fixed host port that is already in use", () => {
  it("is found by the shared probe, and free once released", async () => {
    expect(await isLocalPortFree(heldPort)).toBe(false);
    const spare = net.createServer();
    await new Promise<void>((resolve) => spare.listen(0, "127.0.0.1", resolve));
    const port = (spare.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    expect(await isLocalPortFree(port)).toBe(true);
  });

  it("names the service, the port and the fix", async () => {
    const dir = stackHolding("ports-unit", heldPort);
    const stack = loadStack(path.join(dir, "paddock.yaml"));
    const error = await checkHostPortsFree(stack).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HostPortsInUseError);
    const inUse = error as HostPortsInUseError;
    expect(inUse.ports).toEqual([{ service: "web", index: 1, host: heldPort, container: 9090 }]);
    expect(inUse.message).toContain(
      `${path.join(dir, "paddock.yaml")}: services.web.ports[1]: host port ${heldPort} is already in use on 127.0.0.1`,
    );
    expect(inUse.hint).toContain(`stop what holds 127.0.0.1:${heldPort}`);
    expect(inUse.hint).toContain("write 9090 alone in services.web.ports");
  });

  it("is not checked by paddock plan, which starts nothing", async () => {
    const dir = stackHolding("ports-plan", heldPort);
    const result = await runCli(["plan"], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });
});

const docker = await engineAvailable();

describe.skipIf(!docker)("paddock up and test with a fixed host port in use", () => {
  for (const command of ["up", "test"]) {
    it(`paddock ${command} stops before anything starts`, async () => {
      const name = `ports-${command}-${process.pid}`;
      const dir = stackHolding(name, heldPort);
      const result = await runCli([command, "--progress", "plain"], { cwd: dir });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`services.web.ports[1]: host port ${heldPort} is already in use on 127.0.0.1`);
      expect(result.stderr).toContain("nothing was started");
      expect(result.stderr).toContain(`stop what holds 127.0.0.1:${heldPort}`);
      expectNothingWritten(dir);
      const containers = await execa(DOCKER, ["ps", "--all", "--quiet", "--filter", `label=dev.paddock.stack=${name}`]);
      expect(containers.stdout).toBe("");
      const networks = await execa(DOCKER, ["network", "ls", "--quiet", "--filter", `label=dev.paddock.stack=${name}`]);
      expect(networks.stdout).toBe("");
    });
  }
});
