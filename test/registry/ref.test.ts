import { describe, expect, it } from "vitest";
import { RegistryError } from "../../src/registry/errors.js";
import { isLoopbackHost, parseRegistryRef, remoteImageRef } from "../../src/registry/ref.js";

function refError(value: string, options = {}): RegistryError {
  try {
    parseRegistryRef(value, options);
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error(`parseRegistryRef(${JSON.stringify(value)}) did not fail`);
}

describe("parseRegistryRef", () => {
  it("splits host, port and repository prefix; loopback speaks plain HTTP", () => {
    expect(parseRegistryRef("127.0.0.1:5000/paddock/cache")).toMatchObject({
      host: "127.0.0.1",
      port: 5000,
      authority: "127.0.0.1:5000",
      path: "paddock/cache",
      scheme: "http",
      loopback: true,
      baseUrl: "http://127.0.0.1:5000",
    });
    expect(parseRegistryRef("localhost:5000")).toMatchObject({
      host: "localhost",
      path: "",
      scheme: "http",
      loopback: true,
    });
    expect(parseRegistryRef("[::1]:5000/x")).toMatchObject({
      host: "::1",
      authority: "[::1]:5000",
      scheme: "http",
      baseUrl: "http://[::1]:5000",
    });
    expect(parseRegistryRef("127.8.9.10:5001/")).toMatchObject({ path: "", loopback: true, scheme: "http" });
  });

  it("requires HTTPS for a host that is not loopback, unless that registry is marked insecure", () => {
    expect(parseRegistryRef("registry.example.com:5000/team/cache")).toMatchObject({
      scheme: "https",
      loopback: false,
      insecure: false,
      baseUrl: "https://registry.example.com:5000",
    });
    expect(parseRegistryRef("10.1.2.3:5000/cache")).toMatchObject({
      scheme: "https",
      baseUrl: "https://10.1.2.3:5000",
    });
    expect(parseRegistryRef("10.1.2.3:5000/cache", { insecure: true })).toMatchObject({
      scheme: "http",
      insecure: true,
      baseUrl: "http://10.1.2.3:5000",
    });

    const plain = refError("http://registry.example.com/cache");
    expect(plain.message).toContain('"http://registry.example.com/cache"');
    expect(plain.message).toContain("not a loopback address");
    expect(plain.hint).toContain("insecure");
    expect(parseRegistryRef("http://registry.example.com/cache", { insecure: true }).scheme).toBe("http");
    expect(parseRegistryRef("https://127.0.0.1:5443/cache").scheme).toBe("https");
  });

  it("rejects what is not a registry, naming the value and the fix", () => {
    const hub = refError("paddock/cache");
    expect(hub.message).toContain('registry reference "paddock/cache"');
    expect(hub.message).toContain("Docker Hub");
    expect(hub.hint).toContain("127.0.0.1:5000/paddock/cache");

    expect(refError("").message).toContain("empty");
    expect(refError("127.0.0.1:70000/x").message).toContain("port 70000 is out of range");
    expect(refError("127.0.0.1:5000/Paddock/cache").message).toContain('part "Paddock" is not valid');
    expect(refError("ftp://127.0.0.1/x").message).toContain("unknown scheme ftp://");
    expect(refError("bad_host.example:5000/x").message).toContain("not a valid host");
  });

  it("knows loopback addresses", () => {
    for (const host of ["127.0.0.1", "127.255.0.9", "::1", "0:0:0:0:0:0:0:1", "localhost", "LOCALHOST"])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["128.0.0.1", "10.0.0.1", "::2", "localhost.example.com", "registry"])
      expect(isLoopbackHost(host), host).toBe(false);
  });

  it("names remote images under the prefix, and checks tags", () => {
    const registry = parseRegistryRef("127.0.0.1:5000/paddock/cache");
    expect(remoteImageRef(registry, "hybrid-base", "0123abcd")).toBe(
      "127.0.0.1:5000/paddock/cache/hybrid-base:0123abcd",
    );
    expect(remoteImageRef(parseRegistryRef("localhost:5000"), "web", "v1")).toBe("localhost:5000/web:v1");
    expect(() => remoteImageRef(registry, "web", "-bad")).toThrow(/tag "-bad" is not valid/);
    expect(() => remoteImageRef(registry, "Web", "v1")).toThrow(/part "Web" is not valid/);
  });
});
