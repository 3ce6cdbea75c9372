import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { DOCKER, engineAvailable } from "../e2e/docker-helpers.js";
import { runCli } from "../helpers/cli.js";
import { errorAt, expectNothingWritten, loadErrors, project } from "./helpers.js";

/**
 * What used to be caught only once containers ran (a job waiting out its timeout, a probe
 * failing with ERR_INVALID_URL, the engine refusing a port or a name) is refused when the
 * stack is loaded: `paddock plan` and `paddock up` stop before anything exists.
 */
const service = (name: string, fields: string): string => `  ${name}:\n    image: paddock/debian:bookworm\n${fields}`;
const stack = (name: string, body: string): string => `name: ${name}\n${body}`;

const CASES: {
  title: string;
  name: string;
  body: string;
  field: string;
  problem: string | RegExp;
  hint: string | RegExp;
  line: number;
}[] = [
  {
    title: "a container port out of range",
    name: "bad-port",
    body: `services:\n${service("web", "    ports: [70000]\n")}`,
    field: "services.web.ports[0]",
    problem: "port 70000 is out of range: ports are 1 to 65535",
    hint: 'write each entry as 8080 or "18080:8080"',
    line: 5,
  },
  {
    title: "a host port out of range",
    name: "bad-host-port",
    body: `services:\n${service("web", '    ports: ["8080:80", "70000:80"]\n')}`,
    field: "services.web.ports[1]",
    problem: "host port 70000 is out of range: ports are 1 to 65535",
    hint: /write the container port alone/,
    line: 5,
  },
  {
    title: "the same host port fixed by two services",
    name: "dup-port",
    body: `services:\n${service("web", '    ports: ["18080:8080"]\n')}${service("api", '    ports: ["18080:9090"]\n')}`,
    field: "services.api.ports[0]",
    problem: "host port 18080 is already published by services.web.ports[0]: 127.0.0.1:18080 can be published once",
    hint: "give each fixed host port once, or write the container port alone (9090) to get a free port",
    line: 8,
  },
  {
    title: "the same host port fixed twice within one service",
    name: "dup-port-one",
    body: `services:\n${service("web", '    ports: ["18080:8080", 9000, "18080:8081"]\n')}`,
    field: "services.web.ports[2]",
    problem: "host port 18080 is already published by this service's ports[0]: 127.0.0.1:18080 can be published once",
    hint: /write the container port alone \(8081\)/,
    line: 5,
  },
  {
    title: "a job with an empty command",
    name: "empty-command",
    body: `jobs:\n${service("migrate", "    command: []\n")}`,
    field: "jobs.migrate.command",
    problem: "is an empty list",
    hint: 'remove it to run the image\'s default, or give the command, e.g. [/app, --port, "8080"]',
    line: 5,
  },
  {
    title: "an http readiness path without a leading /",
    name: "ready-path",
    body: `services:\n${service("web", "    ports: [8080]\n    ready: { http: { port: 8080, path: healthz } }\n")}`,
    field: "services.web.ready.http.path",
    problem: 'path "healthz" does not start with "/"',
    hint: "write it as path: /healthz",
    line: 6,
  },
  {
    title: "an empty env name",
    name: "empty-env",
    body: `services:\n${service("web", '    env: { "": value, GOOD: ok }\n')}`,
    field: 'services.web.env[""]',
    problem: "the variable name is empty",
    hint: "use letters, digits, '_', '.' and '-', not starting with a digit, e.g. LOG_LEVEL",
    line: 5,
  },
  {
    title: "an invalid image reference in ref:",
    name: "bad-ref",
    body: 'images:\n  cache: { ref: "Redis Latest" }\nservices:\n  web: { image: cache }\n',
    field: "images.cache.ref",
    problem: '"Redis Latest" is not a valid image reference: it contains whitespace',
    hint: /write an image reference such as "redis:7"/,
    line: 3,
  },
  {
    title: "an invalid upstream reference in image:",
    name: "bad-image",
    body: 'services:\n  web: { image: "Redis:7" }\n',
    field: "services.web.image",
    problem: '"Redis:7" is not a valid image reference: "Redis" has capital letters: repository names are lowercase',
    hint: /write an image reference such as/,
    line: 3,
  },
  {
    title: "an overlong service name",
    name: "long-service",
    body: `services:\n${service("s".repeat(300), "")}`,
    field: `services["${"s".repeat(32)}…"]`,
    problem: "a service or job name of 300 characters is too long: at most 40",
    hint: new RegExp(`shorten it to 40 characters or fewer, e.g. "${"s".repeat(40)}"`),
    line: 3,
  },
  {
    title: "an overlong volume name",
    name: "long-volume",
    body: `services:\n${service("web", `    volumes: ["${"v".repeat(100)}:/data"]\n`)}`,
    field: "services.web.volumes[0]",
    problem: "volume name of 100 characters is too long: at most 63",
    hint: `shorten it, e.g. "${"v".repeat(20)}:/data"`,
    line: 5,
  },
  {
    title: "an overlong stack name",
    name: "a".repeat(41),
    body: `services:\n${service("web", "")}`,
    field: "name",
    problem: "a stack name of 41 characters is too long: at most 40",
    hint: /shorten it to 40 characters or fewer/,
    line: 1,
  },
];

describe("caught when the stack is loaded, not once containers run", () => {
  for (const c of CASES) {
    it(c.title, () => {
      const { file, errors } = loadErrors({ "paddock.yaml": stack(c.name, c.body) });
      const error = errorAt(errors, c.field);
      expect(error.file).toBe(file);
      expect(error.line).toBe(c.line);
      if (typeof c.problem === "string") expect(error.problem).toBe(c.problem);
      else expect(error.problem).toMatch(c.problem);
      if (typeof c.hint === "string") expect(error.hint).toBe(c.hint);
      else expect(error.hint).toMatch(c.hint);
    });
  }

  it("names a workload may not have: a leading digit or a trailing '-' (not a DNS label)", () => {
    const { errors } = loadErrors({
      "paddock.yaml": stack("names", `services:\n${service("9lives", "")}${service("web-", "")}`),
    });
    expect(errorAt(errors, "services.9lives").problem).toBe('"9lives" is not valid as a service or job name');
    expect(errorAt(errors, "services.9lives").hint).toMatch(/starting with a letter/);
    expect(errorAt(errors, "services.web-").problem).toBe('"web-" is not valid as a service or job name');
  });

  it("the kind node image is a reference too", () => {
    const { errors } = loadErrors({
      "paddock.yaml": stack(
        "node-image",
        'environment:\n  provider: kind\n  kind: { nodeImage: "kindest/node:v1.31 " }\n',
      ),
    });
    const error = errorAt(errors, "environment.kind.nodeImage");
    expect(error.line).toBe(4);
    expect(error.problem).toBe('"kindest/node:v1.31 " is not a valid image reference: it contains whitespace');
  });

  it("valid references and ports still load", async () => {
    const dir = project({
      "paddock.yaml": stack(
        "fine",
        'images:\n  pg: { ref: "127.0.0.1:5000/team/postgres:16-bookworm" }\nservices:\n' +
          service(
            "web",
            '    ports: ["18080:8080", 65535, "1:1"]\n    env: { LOG_LEVEL: debug, spring.profiles.active: e2e }\n    ready: { http: { port: 8080, path: /healthz } }\n',
          ) +
          '  db: { image: pg }\n  cache: { image: "localhost:5000/cache@sha256:' +
          "a".repeat(64) +
          '" }\n',
      ),
    });
    const result = await runCli(["plan", "--format", "json"], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });
});

const docker = await engineAvailable();

describe.skipIf(!docker)("paddock up refuses them before any container exists", () => {
  for (const c of CASES) {
    it(c.title, async () => {
      const name = c.name.length <= 40 ? `${c.name}-${process.pid}` : c.name;
      const dir = project({ "paddock.yaml": stack(name, c.body) });
      const result = await runCli(["up", "--progress", "plain"], { cwd: dir });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("error: invalid stack file");
      expect(result.stderr).toContain(`paddock.yaml:${c.line}: ${c.field}: `);
      expectNothingWritten(dir);
      const containers = await execa(DOCKER, ["ps", "--all", "--quiet", "--filter", `label=dev.paddock.stack=${name}`]);
      expect(containers.stdout).toBe("");
    });
  }
});
