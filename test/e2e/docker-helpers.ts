import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { repoRoot, tempProject } from "../helpers/cli.js";

/** The Docker client Paddock would pick here (BuildKit-capable first). */
export const DOCKER = process.env["PADDOCK_DOCKER"] ?? "/usr/bin/docker";

/**
 * Docker-backed suites need a real engine. In CI a missing engine is a failure (the test
 * script starts one); on a developer machine without one the suite is skipped.
 */
export async function engineAvailable(): Promise<boolean> {
  const result = await execa(DOCKER, ["info", "--format", "{{.ServerVersion}}"], { reject: false });
  if (result.exitCode === 0) return true;
  if (process.env["CI"])
    throw new Error(`no Docker engine answers (${DOCKER} info failed); CI must run scripts/engine-bootstrap.sh first`);
  return false;
}

export interface Leftovers {
  containers: string[];
  volumes: string[];
  networks: string[];
}

/** Everything still labelled with a run id. */
export async function leftovers(runId: string): Promise<Leftovers> {
  const list = async (args: string[], format: string): Promise<string[]> =>
    (await execa(DOCKER, [...args, "--filter", `label=dev.paddock.run=${runId}`, "--format", format])).stdout
      .split("\n")
      .filter(Boolean);
  const [containers, volumes, networks] = await Promise.all([
    list(["ps", "--all"], "{{.Names}}"),
    list(["volume", "ls"], "{{.Name}}"),
    list(["network", "ls"], "{{.Name}}"),
  ]);
  return { containers, volumes, networks };
}

/** Workload (service label) → container id, for every container of a run's environment. */
export async function containerIds(runId: string): Promise<Record<string, string>> {
  const rows = (
    await execa(DOCKER, [
      "ps",
      "--all",
      "--no-trunc",
      "--filter",
      `label=dev.paddock.run=${runId}`,
      "--format",
      '{{.Label "dev.paddock.service"}} {{.ID}}',
    ])
  ).stdout;
  return Object.fromEntries(
    rows
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(" ") as [string, string]),
  );
}

export const NOTHING_LEFT: Leftovers = { containers: [], volumes: [], networks: [] };

/** A copy of examples/hybrid-stack (and the bootstrap script it uses), so tests can edit sources. */
export function copyExample(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "paddock-example-"));
  const skip = (src: string): boolean => !/[/\\](\.paddock|node_modules)([/\\]|$)/.test(src);
  cpSync(path.join(repoRoot, "examples", "hybrid-stack"), path.join(root, "examples", "hybrid-stack"), {
    recursive: true,
    filter: skip,
  });
  cpSync(path.join(repoRoot, "scripts", "engine-bootstrap.sh"), path.join(root, "scripts", "engine-bootstrap.sh"));
  return path.join(root, "examples", "hybrid-stack");
}

export interface ProfileJson {
  runId: string;
  state: string;
  tasks: {
    id: string;
    kind: string;
    state: string;
    cached: boolean | "registry";
    change?: "created" | "updated" | "unchanged";
    error?: string;
  }[];
}

export function latestProfile(stackDir: string): ProfileJson {
  return JSON.parse(
    readFileSync(path.join(stackDir, ".paddock", "runs", "latest", "profile.json"), "utf8"),
  ) as ProfileJson;
}

/** The debootstrap base image engine-bootstrap.sh makes: small stacks run it directly. */
export const BASE_IMAGE = "paddock/debian:bookworm";

/** A tiny stack on the base image: a service that logs "ready", and whatever the test adds. */
export function smallStack(
  extra: {
    name?: string;
    services?: string;
    jobs?: string;
    images?: string;
    files?: Record<string, string>;
    test?: string;
  } = {},
): string {
  return tempProject({
    ...extra.files,
    "paddock.yaml": [
      `name: ${extra.name ?? "small"}`,
      "images:",
      extra.images ?? "  {}",
      "services:",
      "  web:",
      `    image: ${BASE_IMAGE}`,
      "    command: [sh, -c, 'echo web is ready; exec sleep infinity']",
      "    ports: [8080]",
      '    ready: { log: "web is ready" }',
      extra.services ?? "",
      "jobs:",
      extra.jobs ?? "  {}",
      `test: { command: ${extra.test ?? '[sh, -c, "test -n \\"$PADDOCK_WEB_PORT\\""]'} }`,
    ].join("\n"),
  });
}
