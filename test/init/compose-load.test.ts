import path from "node:path";
import { describe, expect, it } from "vitest";
import { ComposeError, ComposeErrors } from "../../src/init/compose-error.js";
import { loadComposeProject } from "../../src/init/load-compose.js";
import { tempProject } from "../helpers/cli.js";

const load = (files: Record<string, string>, from: string[], env: Record<string, string> = {}, envFile?: string) => {
  const dir = tempProject(files);
  return { dir, project: loadComposeProject({ from, cwd: dir, env, envFile }) };
};
const service = (model: Record<string, unknown>, name: string): Record<string, unknown> =>
  (model["services"] as Record<string, Record<string, unknown>>)[name] ?? {};

describe("loading Compose files", () => {
  it("merges several -f files the way Compose does", () => {
    const { project } = load(
      {
        "compose.yaml": [
          "services:",
          "  web:",
          "    image: web:1",
          "    command: [serve, --port, '80']",
          "    environment: [A=1, B=2]",
          "    ports: ['8080:80']",
          "    volumes: ['./data:/data', 'cache:/cache']",
          "    healthcheck: { test: [CMD, old], interval: 5s }",
          "    depends_on: [db]",
          "  db: { image: 'postgres:16' }",
          "volumes: { cache: {} }",
        ].join("\n"),
        "compose.ci.yaml": [
          "services:",
          "  web:",
          "    image: web:2",
          "    command: [serve]",
          "    environment: { B: '3', C: '4' }",
          "    ports: ['9090:90']",
          "    volumes: ['./other:/data']",
          "    healthcheck: { test: [CMD, new] }",
          "    depends_on: { cache: { condition: service_healthy } }",
          "  cache: { image: 'redis:7' }",
        ].join("\n"),
        "data/.keep": "",
        "other/.keep": "",
      },
      ["compose.yaml", "compose.ci.yaml"],
    );
    const web = service(project.model, "web");
    expect(web["image"]).toBe("web:2");
    expect(web["command"]).toEqual(["serve"]); // replaced, not appended
    expect(web["environment"]).toEqual({ A: "1", B: "3", C: "4" }); // list and map merge as maps
    expect(web["ports"]).toEqual(["8080:80", "9090:90"]); // appended
    expect(web["volumes"]).toEqual(["./other:/data", "cache:/cache"]); // unique by target: the later one wins
    expect(web["healthcheck"]).toEqual({ test: ["CMD", "new"], interval: "5s" });
    expect(web["depends_on"]).toEqual({
      db: { condition: "service_started", required: true },
      cache: { condition: "service_healthy" },
    });
    expect(Object.keys(project.model["services"] as object)).toEqual(["web", "db", "cache"]);
  });

  it("honours !reset and !override in a later file", () => {
    const { project } = load(
      {
        "compose.yaml":
          "services:\n  web:\n    image: web\n    ports: ['80']\n    environment: { A: '1', B: '2' }\n    command: [a]\n",
        "override.yaml":
          "services:\n  web:\n    ports: !reset []\n    environment: !override { C: '3' }\n    command: !reset null\n",
      },
      ["compose.yaml", "override.yaml"],
    );
    const web = service(project.model, "web");
    expect(web["ports"]).toBeUndefined();
    expect(web["command"]).toBeUndefined();
    expect(web["environment"]).toEqual({ C: "3" });
  });

  it("interpolates from .env and the shell (the shell wins), and names a missing required variable's file and line", () => {
    const files = {
      "compose.yaml":
        'name: ${PROJECT:-fallback}\nservices:\n  web:\n    image: "web:${TAG}"\n    ports: ["${PORT:-80}:80"]\n    command: [echo, $$HOME]\n',
      ".env": "TAG=from-dotenv\nPORT=8081\nPROJECT=shop\n",
    };
    const { project } = load(files, ["compose.yaml"], { TAG: "from-shell" });
    const web = service(project.model, "web");
    expect(web["image"]).toBe("web:from-shell");
    expect(web["ports"]).toEqual(["8081:80"]);
    expect(web["command"]).toEqual(["echo", "$HOME"]);
    expect(project.name).toBe("shop");

    const other = load({ ...files, "ci.env": "TAG=ci\n" }, ["compose.yaml"], {}, "ci.env").project;
    expect(service(other.model, "web")["image"]).toBe("web:ci");

    const dir = tempProject({
      "compose.yaml":
        "services:\n  web:\n    image: web\n    environment:\n      TOKEN: ${TOKEN:?set TOKEN to the API token}\n",
    });
    const error = (() => {
      try {
        loadComposeProject({ from: ["compose.yaml"], cwd: dir, env: {} });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ComposeError);
    expect((error as ComposeError).line).toBe(5);
    expect((error as ComposeError).message).toContain(
      "services.web.environment.TOKEN: required variable TOKEN is missing: set TOKEN to the API token",
    );
  });

  it("validates every file against the Compose Specification's schema, naming file, line and field", () => {
    const dir = tempProject({
      "compose.yaml":
        "services:\n  web:\n    image: web\n    ports: [{ target: 80, bogus: 1 }]\n    restart: [always]\n",
    });
    let error: unknown;
    try {
      loadComposeProject({ from: ["compose.yaml"], cwd: dir, env: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ComposeErrors);
    const problems = (error as ComposeErrors).errors.map(
      (e) => `${path.basename(e.file)}:${e.line} ${e.fieldPath}: ${e.problem}`,
    );
    expect(problems).toContain("compose.yaml:4 services.web.ports[0].bogus: is not a Compose field");
    expect(problems).toContain("compose.yaml:5 services.web.restart: must be string");
  });

  it("finds compose.yaml and its override file in a folder, and resolves extends within the project", () => {
    const { project, dir } = load(
      {
        "app/compose.yaml":
          "services:\n  base: { image: 'app:1', environment: { A: '1' } }\n  web: { extends: base, environment: { B: '2' } }\n",
        "app/compose.override.yaml": "services:\n  web: { command: [serve] }\n",
      },
      ["app"],
    );
    expect(project.files.map((f) => path.relative(dir, f))).toEqual(["app/compose.yaml", "app/compose.override.yaml"]);
    expect(project.name).toBe("app");
    expect(service(project.model, "web")).toEqual({
      image: "app:1",
      environment: { A: "1", B: "2" },
      command: ["serve"],
    });
  });

  it("rejects an extends cycle and an unknown base with the field to fix", () => {
    expect(() =>
      load({ "compose.yaml": "services:\n  a: { image: x, extends: b }\n  b: { image: x, extends: a }\n" }, [
        "compose.yaml",
      ]),
    ).toThrow(/extends cycle: a → b → a/);
    expect(() => load({ "compose.yaml": "services:\n  a: { image: x, extends: nope }\n" }, ["compose.yaml"])).toThrow(
      /services\.a\.extends: extends service "nope"/,
    );
  });
});
