import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadStack } from "../../src/config/load.js";
import { convertProject } from "../../src/init/convert.js";
import { loadComposeProject } from "../../src/init/load-compose.js";
import { renderStackFile } from "../../src/init/write-yaml.js";

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "shop");

/** test/init/fixtures/shop, copied so the stack file can be written beside it. */
function convertShop(files: string[], profiles: string[] = []) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-init-shop-"));
  cpSync(FIXTURE, dir, { recursive: true });
  const project = loadComposeProject({ from: files, cwd: dir, env: {} });
  const conversion = convertProject(project, { profiles, outputDir: dir });
  const file = path.join(dir, "paddock.yaml");
  writeFileSync(file, renderStackFile({ stack: conversion.stack, header: ["test"] }));
  return { ...conversion, stackFile: loadStack(file), dir };
}

describe("the shop fixture (compose.yaml + compose.ci.yaml)", () => {
  const { stack, stackFile, report, dir } = convertShop(["compose.yaml", "compose.ci.yaml"]);

  it("loads with Paddock's own loader as written", () => {
    expect(stackFile.name).toBe("my-shop"); // name: My_Shop, sanitised
    expect(Object.keys(stackFile.services)).toEqual(["db", "cache", "api-server"]);
    expect(Object.keys(stackFile.jobs)).toEqual(["migrate"]);
  });

  it("turns builds into images: context, dockerfile (relative to the context in Compose), args, target, network", () => {
    expect(stack.images["api-server"]).toEqual({
      dockerfile: "./api/Dockerfile.prod",
      context: ".",
      args: { NODE_ENV: "production", REGISTRY_TOKEN: "" },
      target: "runtime",
      network: "host",
    });
    expect(stack.images["migrate"]).toEqual({
      dockerfile: "./migrate/Dockerfile",
      context: "./migrate",
      args: { MIGRATE_VERSION: "4.17" },
    });
    const api = stackFile.images["api-server"]?.source;
    expect(api?.type === "dockerfile" && api.dockerfile).toBe(path.join(dir, "api", "Dockerfile.prod"));
  });

  it("keeps upstream images (adding :latest where Compose implies it) and runs built ones by stack name", () => {
    expect(stack.services["db"]?.image).toBe("postgres:16");
    expect(stack.services["cache"]?.image).toBe("redis:latest");
    expect(stack.services["api-server"]?.image).toBe("api-server");
  });

  it("merges env_file, anchors and environment with .env interpolation; the override file wins", () => {
    expect(stack.services["api-server"]?.env).toEqual({
      FEATURE_FLAGS: "checkout,search",
      GREETING: "hello there",
      LOG_LEVEL: "debug",
      PORT: "8080",
      CACHE_URL: "redis://cache:6379",
    });
    expect(stack.jobs["migrate"]?.env).toEqual({ DATABASE_URL: "postgres://postgres:s3cret@db:5432/shop" });
    expect(stack.services["db"]?.secretEnv).toEqual(["POSTGRES_PASSWORD"]);
  });

  it("converts commands, entrypoints, ports (after !override), bind, named and secret mounts", () => {
    const api = stack.services["api-server"];
    expect(api?.entrypoint).toEqual(["/usr/bin/tini", "--"]);
    expect(api?.command).toEqual(["node", "server.js"]);
    expect(stack.services["cache"]?.command).toEqual(["redis-server", "--save", "", "--appendonly", "no"]);
    expect(api?.ports).toEqual([8080]);
    expect(api?.volumes).toEqual(["./data:/srv/data:ro", "./secrets/stripe_key.txt:/run/secrets/stripe_key:ro"]);
    expect(stack.services["db"]?.volumes).toEqual(["db-data:/var/lib/postgresql/data"]);
  });

  it("turns healthchecks into ready checks with the same command, and their timing into the timeout", () => {
    expect(stack.services["db"]?.ready).toEqual({ exec: ["sh", "-c", "pg_isready -U postgres -d shop"] });
    expect(stack.services["db"]?.timeout).toBe("40s"); // start_period 10s + interval 2s × 15 retries
    expect(stack.services["cache"]?.ready).toEqual({ exec: ["sh", "-c", "redis-cli ping"] });
    expect(stack.services["cache"]?.timeout).toBe("90s"); // Docker's defaults: 30s × 3
    expect(stack.services["api-server"]?.ready).toEqual({ exec: ["wget", "-qO-", "http://127.0.0.1:8080/healthz"] });
  });

  it("makes the service others wait for with service_completed_successfully a job, and keeps every dependency", () => {
    expect(stack.jobs["migrate"]?.dependsOn).toEqual(["db"]);
    expect(stack.services["api-server"]?.dependsOn).toEqual(["migrate", "cache"]);
    expect(stackFile.services["api-server"]?.dependsOn).toEqual(["migrate", "cache"]);
  });

  it("reports what did not carry over, per service", () => {
    const lines = report.format().split("\n");
    expect(lines).toContain(
      '  not carried over: restart: "unless-stopped": Paddock starts each workload once per run and never restarts it; one that exits early fails the run with its last log lines',
    );
    expect(lines).toContain(
      '  not carried over: profiles: ["frontend"]: no active profile, so it is not deployed (paddock init --profile frontend includes it)',
    );
    expect(lines).toContain(
      "  not carried over: x-common-env: an extension field: Compose ignores it too (YAML anchors defined in it were expanded where they are used)",
    );
    expect(report.for("api_server").map((n) => n.field)).toEqual([
      "service name",
      "image",
      "ports",
      "restart",
      "env_file[0]",
    ]);
    expect(report.for("migrate")).toEqual([]); // restart: "no" is what Paddock does anyway
  });

  it("includes a profile's services with --profile", () => {
    const withFrontend = convertShop(["compose.yaml"], ["frontend"]);
    expect(withFrontend.stack.services["web"]).toEqual({
      image: "web",
      ports: ["3000:3000"],
      dependsOn: ["api-server"],
    });
    expect(withFrontend.stack.images["web"]).toEqual({ dockerfile: "./web/Dockerfile", context: "./web" });
    // Without the CI override, the debug port is there too.
    expect(withFrontend.stack.services["api-server"]?.ports).toEqual([8080, "9229:9229"]);
    expect(withFrontend.stackFile.services["web"]?.ports).toEqual([{ container: 3000, host: 3000 }]);
  });
});
