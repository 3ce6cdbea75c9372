import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadStack } from "../../src/config/load.js";
import { runCli, tempProject } from "../helpers/cli.js";

const COMPOSE = [
  "services:",
  "  db:",
  "    image: postgres:16",
  "    healthcheck: { test: [CMD, pg_isready], interval: 1s, retries: 20 }",
  "    restart: always",
  "  api:",
  "    build: ./api",
  "    ports: ['8080']",
  "    depends_on: { db: { condition: service_healthy } }",
  "",
].join("\n");

describe("paddock init --from", () => {
  it("writes paddock.yaml beside the Compose file, prints what did not carry over, and `paddock plan` accepts it as written", async () => {
    const dir = tempProject({ "app/docker-compose.yml": COMPOSE, "app/api/Dockerfile": "FROM scratch\n" });
    const init = await runCli(["init", "--from", "app/docker-compose.yml"], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stderr).toContain("wrote app/paddock.yaml");
    expect(init.stderr).toContain(
      'not carried over: restart: "always": Paddock starts each workload once per run and never restarts it',
    );
    const file = path.join(dir, "app", "paddock.yaml");
    const text = readFileSync(file, "utf8");
    expect(text).toMatch(/^# paddock\.yaml converted by `paddock init` from docker-compose\.yml\./);
    expect(text).toContain('# not carried over: restart: "always"'); // the note sits above the service too
    expect(parse(text)).toMatchObject({
      name: "app",
      services: {
        db: { ready: { exec: ["pg_isready"] }, timeout: "20s" },
        api: { image: "api", ports: [8080], dependsOn: ["db"] },
      },
    });
    expect(loadStack(file).services["api"]?.dependsOn).toEqual(["db"]);
    const plan = await runCli(["plan"], { cwd: path.join(dir, "app") });
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("deploy:api");
  });

  it("never overwrites an existing paddock.yaml without --force; --stdout prints and writes nothing", async () => {
    const dir = tempProject({
      "compose.yaml": COMPOSE,
      "api/Dockerfile": "FROM scratch\n",
      "paddock.yaml": "name: mine\n",
    });
    const refused = await runCli(["init", "--from", "compose.yaml"], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("paddock.yaml already exists; nothing was written");
    expect(refused.stderr).toContain("pass --force to overwrite it");
    expect(readFileSync(path.join(dir, "paddock.yaml"), "utf8")).toBe("name: mine\n");

    const printed = await runCli(["init", "--from", ".", "--stdout"], { cwd: dir });
    expect(printed.code).toBe(0);
    expect(parse(printed.stdout)).toMatchObject({
      name: path
        .basename(dir)
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-"),
    });
    expect(readFileSync(path.join(dir, "paddock.yaml"), "utf8")).toBe("name: mine\n");

    const forced = await runCli(["init", "--from", "compose.yaml", "--force", "--project-name", "Shop"], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(parse(readFileSync(path.join(dir, "paddock.yaml"), "utf8"))).toMatchObject({ name: "shop" });
  });

  it("writes paths relative to --output", async () => {
    const dir = tempProject({
      "compose/compose.yaml": COMPOSE.replace("./api", "../src/api"),
      "src/api/Dockerfile": "FROM scratch\n",
    });
    const result = await runCli(["init", "--from", "compose", "--output", "e2e/paddock.yaml"], { cwd: dir });
    expect(result.code).toBe(0);
    const stack = parse(readFileSync(path.join(dir, "e2e", "paddock.yaml"), "utf8")) as {
      images: Record<string, { context: string }>;
    };
    expect(stack.images["api"]?.context).toBe("../src/api");
    expect(loadStack(path.join(dir, "e2e", "paddock.yaml")).images["api"]?.source).toMatchObject({
      context: path.join(dir, "src", "api"),
    });
  });

  it("stops on an invalid Compose file with its file, line and field", async () => {
    const dir = tempProject({ "compose.yaml": "services:\n  web:\n    image: web\n    prots: ['80']\n" });
    const result = await runCli(["init", "--from", "compose.yaml"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path.join(dir, "compose.yaml")}:4: services.web.prots: is not a Compose field`);
    expect(existsSync(path.join(dir, "paddock.yaml"))).toBe(false);
  });

  it("teaches with examples in --help", async () => {
    const result = await runCli(["init", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("paddock init --from docker-compose.yml");
    expect(result.stdout).toContain("-f compose.yaml -f compose.ci.yaml");
    expect(result.stdout).toContain("--profile <name>");
  });
});

describe("paddock init without --from", () => {
  it("writes a commented starting point from the Dockerfiles below here, skipping node_modules, .git and .paddock", async () => {
    const dir = tempProject({
      "services/api/Dockerfile": "FROM scratch AS build\nEXPOSE 9000\nFROM scratch\nEXPOSE 8080 8443/tcp\n",
      "services/worker/Dockerfile": 'FROM scratch\nHEALTHCHECK CMD ["/probe"]\n',
      "tools/db.Dockerfile": "FROM scratch\n",
      "node_modules/pkg/Dockerfile": "FROM scratch\n",
      ".git/Dockerfile": "FROM scratch\n",
      ".paddock/Dockerfile": "FROM scratch\n",
      "docker-compose.yml": "services: {}\n",
    });
    const result = await runCli(["init"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      "found 3 Dockerfile(s): services/api/Dockerfile, services/worker/Dockerfile, tools/db.Dockerfile",
    );
    const text = readFileSync(path.join(dir, "paddock.yaml"), "utf8");
    expect(text).toContain("paddock init --from docker-compose.yml --force");
    expect(text).toContain("# ready: { http: { port: 8080, path: /healthz } }");
    expect(text).toContain("# test:");
    const stack = parse(text) as { images: Record<string, unknown>; services: Record<string, unknown> };
    expect(stack.images).toEqual({
      api: { dockerfile: "services/api/Dockerfile", context: "services/api" },
      worker: { dockerfile: "services/worker/Dockerfile", context: "services/worker" },
      db: { dockerfile: "tools/db.Dockerfile", context: "tools" },
    });
    expect(stack.services).toEqual({
      api: { image: "api", ports: [8080, 8443] },
      worker: { image: "worker", ready: { healthcheck: true } },
      db: { image: "db" },
    });
    const plan = await runCli(["plan"], { cwd: dir });
    expect(plan.code).toBe(0);

    writeFileSync(path.join(dir, "paddock.yaml"), "name: edited\n");
    expect((await runCli(["init"], { cwd: dir })).code).toBe(1);
    expect(readFileSync(path.join(dir, "paddock.yaml"), "utf8")).toBe("name: edited\n");
  });

  it("still writes a valid stack file when there is no Dockerfile", async () => {
    const dir = tempProject({ "README.md": "hi\n" });
    const result = await runCli(["init", "--stdout"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("found no Dockerfile below this folder");
    writeFileSync(path.join(dir, "paddock.yaml"), result.stdout);
    expect(loadStack(path.join(dir, "paddock.yaml")).services).toEqual({});
  });
});
