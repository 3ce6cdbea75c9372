import { runTool } from "../exec/run-tool.js";
import { Credentials } from "./credentials.js";
import { configKey, hostOfKey, readDockerConfig, type DockerConfig } from "./docker-config.js";
import { RegistryError } from "./errors.js";

export interface CredentialLookupOptions {
  /** Where DOCKER_CONFIG, HOME and PATH (for helpers) come from. */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

const HELPER_TIMEOUT_MS = 10_000;

function matchingKey<T>(map: Record<string, T>, key: string): string | undefined {
  if (key in map) return key;
  return Object.keys(map).find((candidate) => hostOfKey(candidate) === key);
}

/** Runs `docker-credential-<name> get` with the registry on stdin (the credential helper protocol). */
async function fromHelper(
  name: string,
  key: string,
  origin: string,
  options: CredentialLookupOptions,
): Promise<Credentials | undefined> {
  const bin = `docker-credential-${name}`;
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new RegistryError(`${origin} names the credential helper "${name}", which is not a plain name`, {
      hint: `fix ${origin}: a helper is named like "pass" for docker-credential-pass`,
    });
  }
  const signal = options.signal
    ? AbortSignal.any([options.signal, AbortSignal.timeout(HELPER_TIMEOUT_MS)])
    : AbortSignal.timeout(HELPER_TIMEOUT_MS);
  let result;
  try {
    result = await runTool(bin, ["get"], { input: key, allowFailure: true, env: options.env, signal });
  } catch (error) {
    // Its output could hold a secret: the message says what failed, not what it printed.
    throw new RegistryError(`credential helper ${bin} (${origin}) could not run for ${key}`, {
      hint: `install ${bin}, or remove it from ${origin}`,
      cause: error instanceof Error ? new Error(error.message.split("\n")[0]) : undefined,
    });
  }
  if (result.exitCode !== 0) {
    if (/credentials not found/i.test(result.all)) return undefined;
    throw new RegistryError(`credential helper ${bin} (${origin}) failed for ${key} (exit ${result.exitCode})`, {
      hint: `run \`echo ${key} | ${bin} get\` to see why, or log in again: docker login ${key}`,
    });
  }
  let reply: { Username?: unknown; Secret?: unknown };
  try {
    reply = JSON.parse(result.stdout) as { Username?: unknown; Secret?: unknown };
  } catch {
    throw new RegistryError(
      `credential helper ${bin} (${origin}) answered for ${key} with something that is not JSON`,
      { hint: `check the helper: \`echo ${key} | ${bin} get\` should print {"Username": ..., "Secret": ...}` },
    );
  }
  if (typeof reply.Secret !== "string" || reply.Secret === "") return undefined;
  const username = typeof reply.Username === "string" ? reply.Username : "";
  return new Credentials(username, reply.Secret, bin, { identityToken: username === "<token>" });
}

function fromAuths(config: DockerConfig, key: string): Credentials | undefined {
  const entryKey = matchingKey(config.auths, key);
  const entry = entryKey === undefined ? undefined : config.auths[entryKey];
  if (!entry) return undefined;
  if (entry.identitytoken)
    return new Credentials(entry.username ?? "", entry.identitytoken, config.file, { identityToken: true });
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) {
      throw new RegistryError(`${config.file}: auths["${entryKey}"].auth is not base64 of user:password`, {
        hint: `log in again (docker login ${key}), or fix that entry`,
      });
    }
    return new Credentials(decoded.slice(0, colon), decoded.slice(colon + 1), config.file);
  }
  if (entry.username && entry.password) return new Credentials(entry.username, entry.password, config.file);
  return undefined;
}

/**
 * The engine's own login for `authority` (host[:port]): a per-registry `credHelpers` entry,
 * else the `credsStore` helper, else the file's `auths` entry. Undefined when there is none.
 */
export async function findCredentials(
  authority: string,
  options: CredentialLookupOptions = {},
): Promise<Credentials | undefined> {
  const config = readDockerConfig(options.env);
  if (!config) return undefined;
  const key = configKey(authority);
  const helperKey = matchingKey(config.credHelpers, key);
  const helper = helperKey === undefined ? undefined : config.credHelpers[helperKey];
  if (helper) {
    const found = await fromHelper(helper, key, `${config.file} credHelpers["${helperKey}"]`, options);
    if (found) return found;
  } else if (config.credsStore) {
    const found = await fromHelper(config.credsStore, key, `${config.file} credsStore`, options);
    if (found) return found;
  }
  return fromAuths(config, key);
}
