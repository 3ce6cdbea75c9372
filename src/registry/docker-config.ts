import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { RegistryError } from "./errors.js";

/** The parts of the engine's login configuration (`docker login`) that name credentials. */
export interface DockerConfig {
  file: string;
  auths: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers: Record<string, string>;
  credsStore: string | undefined;
}

const configSchema = z.looseObject({
  auths: z
    .record(
      z.string(),
      z.looseObject({
        auth: z.string().optional(),
        username: z.string().optional(),
        password: z.string().optional(),
        identitytoken: z.string().optional(),
      }),
    )
    .optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
  credsStore: z.string().optional(),
});

/** `$DOCKER_CONFIG/config.json`, or `~/.docker/config.json`. */
export function dockerConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env["DOCKER_CONFIG"] || path.join(env["HOME"] || os.homedir(), ".docker");
  return path.join(dir, "config.json");
}

/** The login configuration, or undefined when there is none. A broken file is an error naming it. */
export function readDockerConfig(env: NodeJS.ProcessEnv = process.env): DockerConfig | undefined {
  const file = dockerConfigFile(env);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new RegistryError(`cannot read ${file}: ${(error as Error).message}`, {
      hint: "fix its permissions, or point DOCKER_CONFIG at another folder",
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RegistryError(`${file} is not valid JSON (${(error as Error).message.split("\n")[0]})`, {
      hint: "fix the file (docker login rewrites it), or point DOCKER_CONFIG at another folder",
    });
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RegistryError(
      `${file}: ${issue?.path.join(".") || "(top level)"}: ${issue?.message ?? "unexpected content"}`,
      {
        hint: "auths maps hosts to {auth: base64 user:password}; credHelpers maps hosts to helper names; credsStore names a helper",
      },
    );
  }
  return {
    file,
    auths: parsed.data.auths ?? {},
    credHelpers: parsed.data.credHelpers ?? {},
    credsStore: parsed.data.credsStore,
  };
}

const DOCKER_HUB = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);
export const DOCKER_HUB_KEY = "https://index.docker.io/v1/";

/** The key docker uses for a registry: the authority, or Docker Hub's historical URL. */
export function configKey(authority: string): string {
  return DOCKER_HUB.has(authority) ? DOCKER_HUB_KEY : authority;
}

/** docker's own key matching: a key may carry a scheme and a path (`https://host:5000/v1/`). */
export function hostOfKey(key: string): string {
  if (key === DOCKER_HUB_KEY) return key;
  return key.replace(/^https?:\/\//, "").split("/")[0] ?? key;
}
