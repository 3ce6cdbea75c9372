import net from "node:net";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { Credentials } from "../../src/registry/credentials.js";
import { MEDIA_TYPES, parseManifest, pickPlatform } from "../../src/registry/manifest.js";
import { mapLimit } from "../../src/registry/map-limit.js";
import { ping } from "../../src/registry/ping.js";
import { parseRegistryRef } from "../../src/registry/ref.js";
import { parseWwwAuthenticate } from "../../src/registry/www-authenticate.js";

const DIGEST_A = `sha256:${"a".repeat(64)}`;
const DIGEST_B = `sha256:${"b".repeat(64)}`;

describe("parseWwwAuthenticate", () => {
  it("reads a Bearer challenge with quoted commas in its scope", () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/app:pull,push"',
      ),
    ).toEqual([
      {
        scheme: "bearer",
        params: {
          realm: "https://auth.example.com/token",
          service: "registry.example.com",
          scope: "repository:team/app:pull,push",
        },
      },
    ]);
  });

  it("reads Basic, several challenges, and unquoted values", () => {
    expect(
      parseWwwAuthenticate('Basic realm="Registry Realm", Bearer realm=https://t.example/token, service=reg'),
    ).toEqual([
      { scheme: "basic", params: { realm: "Registry Realm" } },
      { scheme: "bearer", params: { realm: "https://t.example/token", service: "reg" } },
    ]);
    expect(parseWwwAuthenticate("")).toEqual([]);
  });
});

describe("mapLimit", () => {
  it("keeps the input order and never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit([30, 5, 20, 1, 10, 2], 2, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i * 10;
    });
    expect(results).toEqual([0, 10, 20, 30, 40, 50]);
    expect(peak).toBe(2);
  });

  it("rejects with the first failure and starts nothing after it", async () => {
    const started: number[] = [];
    await expect(
      mapLimit([1, 2, 3, 4, 5], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error("boom on 2");
        return n;
      }),
    ).rejects.toThrow("boom on 2");
    expect(started).toEqual([1, 2]);
  });
});

describe("manifests", () => {
  it("tells an index from an image manifest and picks linux/amd64, else the first entry", () => {
    const index = parseManifest(
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          { mediaType: MEDIA_TYPES.ociManifest, digest: DIGEST_A, platform: { os: "linux", architecture: "arm64" } },
          { mediaType: MEDIA_TYPES.ociManifest, digest: DIGEST_B, platform: { os: "linux", architecture: "amd64" } },
        ],
      }),
      `${MEDIA_TYPES.ociIndex}; charset=utf-8`,
      "app:v1",
    );
    expect(index.kind).toBe("index");
    if (index.kind !== "index") return;
    expect(pickPlatform(index.manifests)?.digest).toBe(DIGEST_B);
    expect(pickPlatform(index.manifests, { os: "windows", architecture: "amd64" })?.digest).toBe(DIGEST_A);

    const image = parseManifest(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.dockerManifest,
        config: { digest: DIGEST_A },
        layers: [{ digest: DIGEST_B }, { digest: DIGEST_A, urls: ["https://foreign.example/layer"] }],
      }),
      null,
      "app:v1",
    );
    expect(image).toMatchObject({ kind: "image", mediaType: MEDIA_TYPES.dockerManifest, config: { digest: DIGEST_A } });
    if (image.kind === "image")
      expect(image.layers.map((l) => l.urls)).toEqual([undefined, ["https://foreign.example/layer"]]);
  });

  it("refuses digests that could escape a URL path, and schema 1", () => {
    expect(() =>
      parseManifest(JSON.stringify({ config: { digest: "../../x" }, layers: [] }), MEDIA_TYPES.ociManifest, "app:v1"),
    ).toThrow(/app:v1 config: missing or invalid digest/);
    expect(() =>
      parseManifest(
        JSON.stringify({ schemaVersion: 1, fsLayers: [] }),
        "application/vnd.docker.distribution.manifest.v1+prettyjws",
        "app:v1",
      ),
    ).toThrow(/schema 1/);
  });
});

describe("Credentials", () => {
  it("never shows the secret when printed, logged or serialised", () => {
    const credentials = new Credentials("alice", "s3cret-value", "/tmp/x/config.json");
    for (const text of [String(credentials), JSON.stringify({ credentials }), inspect(credentials), `${credentials}`]) {
      expect(text).not.toContain("s3cret-value");
      expect(text).toContain("/tmp/x/config.json");
    }
    expect(credentials.basicAuthorization()).toBe(`Basic ${Buffer.from("alice:s3cret-value").toString("base64")}`);
  });
});

describe("ping without a registry", () => {
  it("says why nothing answered: refused, or a port fetch will not use", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));

    const refused = await ping(parseRegistryRef(`127.0.0.1:${port}`));
    expect(refused).toMatchObject({ state: "unreachable", url: `http://127.0.0.1:${port}/v2/` });
    expect(refused.detail).toContain("connection refused");
    const blocked = await ping(parseRegistryRef("127.0.0.1:6000"));
    expect(blocked.state).toBe("unreachable");
    expect(blocked.detail).toContain("port 6000 is one that fetch refuses");
  });
});
