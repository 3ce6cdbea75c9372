import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import type { BuiltImage } from "../../src/build/build-image.js";
import type { ProviderContext } from "../../src/providers/types.js";
import { writeFiles } from "../helpers/files.js";
import { simTestImage } from "../sim/test-image.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const simBin = path.join(repoRoot, "test", "sim", "bin");

export interface SimCommand {
  t: number;
  argv: string[];
  exit: number;
}

/** One simulated machine: the kind/kubectl simulator first on PATH, its own state and HOME. */
export interface Sim {
  dir: string;
  stateDir: string;
  home: string;
  env: Record<string, string>;
  commands(): SimCommand[];
  /** `kind get clusters`, through the simulator. */
  clusters(): string[];
}

/**
 * Points this test process (and every tool it starts) at a fresh simulator state: PATH, PADDOCK_SIM_DIR,
 * and a temporary HOME so nothing could reach the real ~/.kube/config. timeScale 0.01: a simulated
 * second is 10 ms (the modelled durations: cluster creation, loads, back-offs; pods run for real).
 * Clusters a test leaves (it failed half-way) are deleted when it finishes: their containers run on the shared engine.
 */
export function useSim(config: Record<string, unknown> = {}): Sim {
  const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-kind-"));
  const stateDir = path.join(dir, "sim");
  const home = path.join(dir, "home");
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(
    path.join(stateDir, "sim.json"),
    JSON.stringify({ timeScale: 0.01, clusterCreateSeconds: 20, ...config }),
  );
  const basePath = (process.env["PATH"] ?? "")
    .split(path.delimiter)
    .filter((p) => p !== simBin)
    .join(path.delimiter);
  const env = { PATH: `${simBin}${path.delimiter}${basePath}`, PADDOCK_SIM_DIR: stateDir, HOME: home };
  Object.assign(process.env, env);
  delete process.env["KUBECONFIG"];
  try {
    onTestFinished(() => {
      spawnSync(path.join(simBin, "kind"), ["delete", "clusters", "--all"], {
        env: { ...process.env, ...env },
        stdio: "ignore",
      });
    });
  } catch {
    // not inside a test: the caller cleans up
  }
  return {
    dir,
    stateDir,
    home,
    env,
    commands: () => {
      const file = path.join(stateDir, "commands.jsonl");
      if (!existsSync(file)) return [];
      return readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as SimCommand)
        .sort((a, b) => a.t - b.t);
    },
    clusters: () => {
      const r = spawnSync(path.join(simBin, "kind"), ["get", "clusters"], {
        env: { ...process.env, ...env },
        encoding: "utf8",
      });
      return r.stdout
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
    },
  };
}

export function context(
  runDir: string,
  signal: AbortSignal = AbortSignal.timeout(60_000),
): ProviderContext & { runDir: string; lines: string[] } {
  mkdirSync(runDir, { recursive: true });
  const lines: string[] = [];
  return { signal, runDir, lines, log: (line: string) => lines.push(line) };
}

export { writeFiles };

/** The Docker engine answers (the simulator's `kind load docker-image` asks the real engine for image IDs). */
export function dockerAvailable(): boolean {
  const bin = existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
  return spawnSync(bin, ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" }).status === 0;
}

export function dockerBin(): string {
  return existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
}

/**
 * A small local image to stand for a built one: the simulator's test image (Debian, Node and
 * `node /app/server.js [PORT...]`, an HTTP server that exits on SIGTERM) tagged to a test tag.
 */
export function testImage(name: string, tag: string): BuiltImage {
  return tagImage(simTestImage(), name, tag);
}

/** An existing image under a test tag, as a built image. */
export function tagImage(source: string, name: string, tag: string): BuiltImage {
  const ref = `paddock-test/${name}:${tag}`;
  execFileSync(dockerBin(), ["tag", source, ref]);
  const id = execFileSync(dockerBin(), ["image", "inspect", "--format", "{{.Id}}", ref], { encoding: "utf8" }).trim();
  return { name, tag: ref, id, cached: false };
}

/** A loopback port nothing listens on now (for a Kind config's hostPort). */
export function freePort(): number {
  const script =
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
}

/** A test image with files of its own (path in the image → content): the test image, files copied in, committed (its CMD kept: the container is created, never started, with the image's own). */
export function testImageWithFiles(name: string, tag: string, files: Record<string, string>): BuiltImage {
  const base = testImage(`${name}-base`, tag);
  const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-image-"));
  writeFiles(dir, files);
  const container = execFileSync(dockerBin(), ["create", base.tag], { encoding: "utf8" }).trim();
  try {
    // A folder's contents into the image's folder of the same name (which may exist: /app does).
    for (const top of new Set(Object.keys(files).map((f) => f.split("/")[0]!))) {
      const source = path.join(dir, top);
      execFileSync(dockerBin(), [
        "cp",
        statSync(source).isDirectory() ? `${source}/.` : source,
        `${container}:/${top}`,
      ]);
    }
    const ref = `paddock-test/${name}:${tag}`;
    execFileSync(dockerBin(), ["commit", container, ref]);
    const id = execFileSync(dockerBin(), ["image", "inspect", "--format", "{{.Id}}", ref], { encoding: "utf8" }).trim();
    return { name, tag: ref, id, cached: false };
  } finally {
    spawnSync(dockerBin(), ["rm", container]);
    removeImages([base.tag]);
  }
}

export function removeImages(refs: string[]): void {
  if (refs.length > 0) spawnSync(dockerBin(), ["rmi", ...refs], { encoding: "utf8" });
}

/** Index of the first command whose argv starts with these words (or satisfies the predicate). */
export function indexOf(commands: SimCommand[], match: string[] | ((c: SimCommand) => boolean)): number {
  return commands.findIndex((c) =>
    typeof match === "function" ? match(c) : match.every((word, i) => c.argv[i] === word),
  );
}
