// TEST SIMULATOR — not the real kind/kubectl. A small image for workloads in the simulator's and the
// kind provider's tests: the Debian base plus this machine's Node binary and a tiny HTTP server,
// built offline once and cached by its content's tag (never removed: like the base image).
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * `node /app/server.js [PORT...]` (default $PORT or 8080): every path answers 200 with a JSON body
 * naming the port, the path and the host, except `/fail` (500); SIGTERM closes the servers and exits 0.
 */
export const TEST_SERVER = `const http = require("node:http");
const ports = process.argv.slice(2).map(Number).filter(Boolean);
const servers = (ports.length ? ports : [Number(process.env.PORT || 8080)]).map((port) =>
  http.createServer((req, res) => {
    res.statusCode = req.url === "/fail" ? 500 : 200;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ port, path: req.url, host: process.env.HOSTNAME, greeting: process.env.GREETING || null }));
  }).listen(port, () => console.log("listening on " + port)),
);
process.on("SIGTERM", () => {
  console.log("SIGTERM: closing");
  let open = servers.length;
  for (const s of servers) s.close(() => --open === 0 && process.exit(0));
});
`;

const DOCKERFILE = `FROM paddock/debian:bookworm
COPY node /usr/local/bin/node
COPY server.js /app/server.js
CMD ["node", "/app/server.js"]
`;

export function dockerBinary(): string {
  return existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
}

/** The image's tag (built when missing): paddock-sim-test/node:<hash of node's version, size and the files>. */
export function simTestImage(): string {
  const node = realpathSync(process.execPath);
  const key = createHash("sha256")
    .update(`${process.version}\n${statSync(node).size}\n${DOCKERFILE}\n${TEST_SERVER}`)
    .digest("hex")
    .slice(0, 16);
  const tag = `paddock-sim-test/node:${key}`;
  if (spawnSync(dockerBinary(), ["image", "inspect", tag], { stdio: "ignore" }).status === 0) return tag;
  const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-sim-image-"));
  try {
    copyFileSync(node, path.join(dir, "node"));
    writeFileSync(path.join(dir, "server.js"), TEST_SERVER);
    writeFileSync(path.join(dir, "Dockerfile"), DOCKERFILE);
    execFileSync(dockerBinary(), ["build", "--quiet", "--network", "none", "-t", tag, dir], {
      stdio: ["ignore", "ignore", "inherit"],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return tag;
}

/** The simulator instance of a state directory (as test/sim/lib/docker-names.mjs computes it). */
export function simInstance(stateDir: string): string {
  return createHash("sha256").update(realpathSync(stateDir)).digest("hex").slice(0, 8);
}

/** Docker objects a simulated cluster left: containers, volumes and networks labelled with it. */
export function leftovers(cluster: string, stateDir: string): string[] {
  const filter = [
    "--filter",
    `label=dev.paddock.sim.cluster=${cluster}`,
    "--filter",
    `label=dev.paddock.sim.instance=${simInstance(stateDir)}`,
  ];
  const list = (args: string[]): string[] =>
    execFileSync(dockerBinary(), [...args, ...filter, "--format", "{{.Name}}"], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
  const containers = execFileSync(dockerBinary(), ["ps", "-a", ...filter, "--format", "{{.Names}}"], {
    encoding: "utf8",
  })
    .split("\n")
    .filter(Boolean);
  return [
    ...containers.map((c) => `container ${c}`),
    ...list(["volume", "ls"]).map((v) => `volume ${v}`),
    ...list(["network", "ls"]).map((n) => `network ${n}`),
  ];
}
