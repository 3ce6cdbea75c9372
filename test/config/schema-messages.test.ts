import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { errorAt, expectNothingWritten, loadErrors, project } from "./helpers.js";

describe("schema errors say what was expected, with an example, and what was found", () => {
  it('ports: "abc" is a wrong type, not a missing field', () => {
    const { file, errors } = loadErrors({
      "paddock.yaml": 'name: demo\nservices:\n  redis:\n    image: "redis:7"\n    ports: "abc"\n',
    });
    const error = errorAt(errors, "services.redis.ports");
    expect(error.file).toBe(file);
    expect(error.line).toBe(5);
    expect(error.problem).toBe('expected a list of ports, got the text "abc"');
    expect(error.hint).toBe('write it as ports: [8080] or ["18080:8080"]');
    expect(error.hint).not.toMatch(/^add /);
  });

  it("a field that is really missing is the one case that says add", () => {
    const { errors } = loadErrors({ "paddock.yaml": "services: {}\n" });
    const error = errorAt(errors, "name");
    expect(error.problem).toBe("missing: expected the stack's name");
    expect(error.hint).toBe("add name, e.g. name: shop");
  });

  it("an image key with capitals gives the name rule and a name that follows it", () => {
    const { errors } = loadErrors({ "paddock.yaml": "name: demo\nimages:\n  MyApi: { dockerfile: Dockerfile }\n" });
    const error = errorAt(errors, "images.MyApi");
    expect(error.line).toBe(3);
    expect(error.problem).toBe('"MyApi" is not valid as an image name');
    expect(error.problem).not.toMatch(/Invalid key in record/);
    expect(error.hint).toContain(
      "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 40 characters",
    );
    expect(error.hint).toContain('e.g. "myapi"');
  });

  it("an env value that is a mapping says a text value was expected", () => {
    const { errors } = loadErrors({
      "paddock.yaml": 'name: demo\nservices:\n  web:\n    image: "redis:7"\n    env:\n      CONFIG: { level: debug }\n',
    });
    const error = errorAt(errors, "services.web.env.CONFIG");
    expect(error.line).toBe(6);
    expect(error.problem).toBe("expected a text value (a string, a number or true/false), got a mapping");
    expect(error.problem).not.toMatch(/Invalid input/);
    expect(error.hint).toContain("quoted text");
  });

  it("a union lists the shapes it accepts", () => {
    const { errors } = loadErrors({
      "paddock.yaml": 'name: demo\nservices:\n  web: { image: "redis:7", ports: [true] }\ntest: { command: 5 }\n',
    });
    const command = errorAt(errors, "test.command");
    expect(command.problem).toBe("expected a list of command words or a shell command line, got the number 5");
    expect(command.hint).toBe('write it as command: [go, test, ./e2e/...] or "npm test"');
    const port = errorAt(errors, "services.web.ports[0]");
    expect(port.problem).toBe("expected a port, got true");
    expect(port.hint).toBe('write each entry as 8080 or "18080:8080"');
  });

  it("a choice that is not one of the choices lists them", () => {
    const { errors } = loadErrors({ "paddock.yaml": "name: demo\nenvironment: { provider: dockr }\n" });
    const error = errorAt(errors, "environment.provider");
    expect(error.problem).toBe('expected one of docker, kind, cluster, got the text "dockr"');
    expect(error.hint).toBe("use one of: docker, kind, cluster");
  });

  it("paddock plan prints them with file, line, field and fix, and writes nothing", async () => {
    const dir = project({
      "paddock.yaml": 'name: demo\nservices:\n  redis:\n    image: "redis:7"\n    ports: "abc"\n',
    });
    const result = await runCli(["plan"], { cwd: dir });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'paddock.yaml:5: services.redis.ports: expected a list of ports, got the text "abc"',
    );
    expect(result.stderr).toContain('fix: write it as ports: [8080] or ["18080:8080"]');
    expect(result.stderr).not.toContain("add services.redis.ports");
    expectNothingWritten(dir);
  });
});
