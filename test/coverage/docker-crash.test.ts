import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot, runCli, tempProject } from "../helpers/cli.js";
import { BASE_IMAGE, DOCKER, engineAvailable, latestProfile, leftovers, NOTHING_LEFT } from "../e2e/docker-helpers.js";
import { latestCoverage } from "./helpers.js";

const hasEngine = await engineAvailable();

// One Node image: after serving /work a service keeps running, or exits 1 (MODE=exit). The
// test command SIGKILLs a third from outside (`docker kill`), as the OOM killer would. (Node
// still writes its coverage when it SIGKILLs itself with process.kill, so that would not do.)
const SERVER = `import http from 'node:http';
const MODE = process.env.MODE;
function afterWork() {
  if (MODE === 'exit') setTimeout(() => process.exit(1), 20);
}
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') return res.end('ok');
  if (req.url === '/work') {
    res.end(JSON.stringify({ mode: MODE }));
    return afterWork();
  }
  res.statusCode = 404;
  res.end();
});
server.listen(8080);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

const service = (name: string, mode: string): string =>
  [`  ${name}:`, "    image: crasher", `    env: { MODE: ${mode} }`, "    ports: [8080]", "    ready: { http: { port: 8080, path: /healthz } }"].join("\n");

const WORK = `import { execFileSync } from 'node:child_process';
for (const s of ['STEADY', 'CRASHES', 'KILLED']) console.log(s, (await fetch(process.env[\`PADDOCK_\${s}_URL\`] + '/work')).status);
const killed = process.env.PADDOCK_DOCKER_NETWORK + '-killed';
execFileSync(${JSON.stringify(DOCKER)}, ['kill', '--signal', 'KILL', killed]);
// Done once the engine reports it stopped.
while (execFileSync(${JSON.stringify(DOCKER)}, ['inspect', '--format', '{{.State.Running}}', killed]).toString().trim() === 'true') await new Promise((r) => setTimeout(r, 50));
`;

describe.skipIf(!hasEngine)("coverage of services that crashed or were killed", () => {
  let dir: string;
  beforeAll(() => {
    const runtime = path.join(repoRoot, "examples", "hybrid-stack", "images", "node-runtime", "Dockerfile");
    dir = tempProject({
      "images/node-runtime/Dockerfile": readFileSync(runtime, "utf8"),
      "crasher/Dockerfile": ["ARG RUNTIME_IMAGE", "FROM ${RUNTIME_IMAGE}", "COPY server.mjs /app/server.mjs", "USER app", 'CMD ["node", "/app/server.mjs"]', ""].join("\n"),
      "crasher/server.mjs": SERVER,
      "work.mjs": WORK,
      "paddock.yaml": [
        "name: covcrash",
        "build: { network: host }",
        "images:",
        `  node-runtime: { dockerfile: images/node-runtime/Dockerfile, context: images/node-runtime, args: { BASE_IMAGE: "${BASE_IMAGE}" } }`,
        '  crasher: { dockerfile: crasher/Dockerfile, context: crasher, args: { RUNTIME_IMAGE: "${images.node-runtime}" }, coverage: node }',
        "services:",
        service("steady", "stay"),
        service("crashes", "exit"),
        service("killed", "stay"),
        "test: { command: [node, work.mjs] }",
      ].join("\n"),
    });
  });

  it("keeps what a crashed service wrote, and explains what a killed one could not", { timeout: 900_000 }, async () => {
    const run = await runCli(["test", "--progress", "plain"], { cwd: dir, timeoutMs: 900_000 });
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    const { summary } = latestCoverage(dir);

    const steady = summary.services["steady"]!;
    expect(steady.exitCode).toBe(0);
    expect(steady.note).toBeUndefined();
    const crashed = summary.services["crashes"]!;
    expect(crashed.exitCode).toBe(1);
    expect(crashed.note).toMatch(/exited with code 1 before collection .*coverage up to that exit/);
    // Its coverage stops at the crash: the request it served is in it.
    expect(crashed.lines?.covered).toBeGreaterThan(0);
    expect(crashed.lines?.covered).toBe(steady.lines?.covered);
    const killed = summary.services["killed"]!;
    expect(killed.exitCode).toBe(137);
    expect(killed.lines).toBeUndefined();
    expect(killed.note).toMatch(/killed \(exit code 137\) before collection: Node and Go write coverage only at a normal exit/);
    expect(run.stderr).toMatch(/\n {2}killed\s+node\s+killed \(exit code 137\)/);
    expect(await leftovers(latestProfile(dir).runId)).toEqual(NOTHING_LEFT);
  });
});
