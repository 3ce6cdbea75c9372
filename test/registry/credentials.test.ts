import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findCredentials } from "../../src/registry/find-credentials.js";
import { hasImage } from "../../src/registry/has-image.js";
import { ping } from "../../src/registry/ping.js";
import { parseRegistryRef } from "../../src/registry/ref.js";
import { RegistryError } from "../../src/registry/errors.js";
import { PASSWORD, USER, startAuthServer, type AuthServer } from "./auth-server.js";

const BASE64 = Buffer.from(`${USER}:${PASSWORD}`).toString("base64");

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** A temporary DOCKER_CONFIG folder with this config.json; helpers go in its bin/ (first on PATH). */
function dockerConfig(config: unknown, helpers: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dir = tempDir("paddock-docker-config-");
  writeFileSync(path.join(dir, "config.json"), typeof config === "string" ? config : JSON.stringify(config));
  mkdirSync(path.join(dir, "bin"));
  for (const [name, body] of Object.entries(helpers)) {
    const file = path.join(dir, "bin", `docker-credential-${name}`);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
  }
  return { ...process.env, DOCKER_CONFIG: dir, PATH: `${path.join(dir, "bin")}:${process.env["PATH"]}` };
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(BASE64);
}

describe("credentials from the engine's login configuration", () => {
  let basic: AuthServer;
  let bearer: AuthServer;
  beforeAll(async () => {
    [basic, bearer] = await Promise.all([startAuthServer("basic"), startAuthServer("bearer")]);
  });
  afterAll(async () => {
    await Promise.all([basic.close(), bearer.close()]);
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("Basic: auths[host].auth gets in; the image is a hit", async () => {
    const env = dockerConfig({ auths: { [basic.authority]: { auth: BASE64 } } });
    const registry = parseRegistryRef(basic.authority);
    const answer = await ping(registry, { env });
    expect(answer).toMatchObject({ state: "ok" });
    expect(answer.detail).toContain("(signed in)");
    expect(await hasImage(registry, "app/web", "v1", { env })).toMatchObject({ hit: true });
    expect(await hasImage(registry, "app/web", "v2", { env })).toMatchObject({ hit: false, cause: "absent" });
  });

  it("Basic: without credentials, or with wrong ones, it says so and shows no secret", async () => {
    const registry = parseRegistryRef(basic.authority);
    const none = await ping(registry, { env: dockerConfig({}) });
    expect(none.state).toBe("auth-required");
    expect(none.detail).toContain(`docker login ${basic.authority}`);

    const wrong = dockerConfig({
      auths: {
        [`http://${basic.authority}/v2/`]: { auth: Buffer.from(`${USER}:${PASSWORD}-typo`).toString("base64") },
      },
    });
    const refused = await ping(registry, { env: wrong });
    expect(refused.state).toBe("auth-required");
    expect(refused.detail).toContain("refused the credentials from");
    expect(refused.detail).toContain("config.json");
    const lookup = await hasImage(registry, "app/web", "v1", { env: wrong });
    expect(lookup).toMatchObject({ hit: false, cause: "unauthorized" });
    for (const text of [refused.detail, lookup.reason]) {
      expectNoSecret(text);
      expect(text).not.toContain(`${PASSWORD}-typo`);
    }
  });

  it("Bearer: the token flow asks the realm for the repository's pull scope with the user's credentials", async () => {
    const env = dockerConfig({ auths: { [bearer.authority]: { auth: BASE64 } } });
    const registry = parseRegistryRef(bearer.authority);
    expect(await ping(registry, { env })).toMatchObject({ state: "ok" });
    const lookup = await hasImage(registry, "app/web", "v1", { env });
    expect(lookup).toMatchObject({ hit: true });
    expect(bearer.tokenRequests.map((q) => [q.get("service"), q.get("scope")])).toContainEqual([
      "paddock-test",
      "repository:app/web:pull",
    ]);
  });

  it("Bearer: refused credentials are a miss that names the token service, not the secret", async () => {
    const env = dockerConfig({ auths: { [bearer.authority]: { username: USER, password: `${PASSWORD}-typo` } } });
    const registry = parseRegistryRef(bearer.authority);
    const lookup = await hasImage(registry, "app/web", "v1", { env });
    expect(lookup).toMatchObject({ hit: false, cause: "unauthorized" });
    expect(lookup.reason).toContain(`the token service http://127.0.0.1:${bearer.port}/token refused the credentials`);
    expectNoSecret(lookup.reason);
    const anonymous = await hasImage(registry, "app/web", "v1", { env: dockerConfig({}) });
    expect(anonymous.reason).toContain(`docker login ${bearer.authority}`);
  });

  it("credHelpers and credsStore: runs docker-credential-<name> get with the host on stdin", async () => {
    const registry = parseRegistryRef(bearer.authority);
    const reply = JSON.stringify({ ServerURL: bearer.authority, Username: USER, Secret: PASSWORD });
    const helper = (log: string): string => `cat > "${log}"\necho '${reply}'`;
    const dir = tempDir("paddock-helper-log-");
    const perHost = dockerConfig(
      { credHelpers: { [bearer.authority]: "paddocktest" }, auths: {} },
      { paddocktest: helper(path.join(dir, "per-host")) },
    );
    expect(await hasImage(registry, "app/web", "v1", { env: perHost })).toMatchObject({ hit: true });
    expect(readFileSync(path.join(dir, "per-host"), "utf8")).toBe(bearer.authority);

    const store = dockerConfig({ credsStore: "paddockstore" }, { paddockstore: helper(path.join(dir, "store")) });
    expect(await ping(registry, { env: store })).toMatchObject({ state: "ok" });
    expect(readFileSync(path.join(dir, "store"), "utf8")).toBe(bearer.authority);

    // A helper with nothing stored falls back to the file's auths entry.
    const empty = dockerConfig(
      { credsStore: "paddockempty", auths: { [bearer.authority]: { auth: BASE64 } } },
      { paddockempty: "echo 'credentials not found in native keychain'; exit 1" },
    );
    expect(await ping(registry, { env: empty })).toMatchObject({ state: "ok" });
  });

  it("a failing helper or a broken config.json is an error naming the file, never the helper's output", async () => {
    const leaky = dockerConfig({ credsStore: "leaky" }, { leaky: `echo "partial ${PASSWORD}"; exit 3` });
    const error = await findCredentials(bearer.authority, { env: leaky }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RegistryError);
    const message = `${(error as RegistryError).message} ${(error as RegistryError).hint}`;
    expect(message).toContain("docker-credential-leaky");
    expect(message).toContain("exit 3");
    expectNoSecret(message);

    const broken = dockerConfig("{ not json");
    const lookup = await hasImage(parseRegistryRef(basic.authority), "app/web", "v1", { env: broken });
    expect(lookup).toMatchObject({ hit: false, cause: "error" });
    expect(lookup.reason).toContain(path.join(broken["DOCKER_CONFIG"]!, "config.json"));
    expect(lookup.reason).toContain("not valid JSON");
  });
});
