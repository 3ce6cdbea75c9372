import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { CERTS_DIR, CONFIG_PATH_PATCH, hostsToml, writeHostsDir } from "../../src/providers/kind/containerd-hosts.js";
import { KindConfig } from "../../src/providers/kind/kind-config.js";
import { containerPortFor } from "../../src/providers/kind/registry-route.js";

// The stand-in's reading of the same files: what Paddock writes must mean to it what it means to containerd.
const { parseHostsToml } = (await import("../sim/lib/runtime/registry-pull.mjs" as string)) as {
  parseHostsToml: (text: string) => { server: string | null; hosts: { url: string; capabilities: string[] }[] };
};
const { loadKindConfig } = (await import("../sim/lib/kind-config.mjs" as string)) as {
  loadKindConfig: (file: string) => { containerdConfigPath: string | null };
};

const route = { authority: "127.0.0.1:5001", endpoint: "http://kind-registry:5000", container: "kind-registry" };

describe("nodes that pull from the registry: the route and containerd's files", () => {
  it("finds the container port behind a host port published on loopback or every interface, TCP only", () => {
    const ports = JSON.stringify({
      "5000/tcp": [{ HostIp: "127.0.0.1", HostPort: "5001" }],
      "6000/udp": [{ HostIp: "0.0.0.0", HostPort: "5002" }],
      "7000/tcp": [{ HostIp: "0.0.0.0", HostPort: "5003" }],
      "8000/tcp": [{ HostIp: "192.168.1.10", HostPort: "5004" }],
      "9000/tcp": null,
    });
    expect(containerPortFor(ports, 5001)).toBe(5000);
    expect(containerPortFor(ports, 5002)).toBeUndefined();
    expect(containerPortFor(ports, 5003)).toBe(7000);
    expect(containerPortFor(ports, 5004)).toBeUndefined();
    expect(containerPortFor("not json", 5001)).toBeUndefined();
  });

  it("writes hosts.toml under the registry's own folder, with the route as a pull host and the registry as server", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-hosts-"));
    await writeHostsDir(dir, route, true);
    const text = readFileSync(path.join(dir, "127.0.0.1:5001", "hosts.toml"), "utf8");
    expect(text).toBe(hostsToml(route, true));
    expect(parseHostsToml(text)).toEqual({
      server: "http://127.0.0.1:5001",
      hosts: [{ url: "http://kind-registry:5000", capabilities: ["pull", "resolve"] }],
    });
  });

  it("adds containerd's config_path and the hosts mount to every node, keeping a node's own mount", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-kindcfg-"));
    const source = path.join(dir, "kind-config.yaml");
    writeFileSync(
      source,
      YAML.stringify({
        kind: "Cluster",
        apiVersion: "kind.x-k8s.io/v1alpha4",
        nodes: [
          { role: "control-plane" },
          { role: "worker" },
          { role: "worker", extraMounts: [{ hostPath: "/own", containerPath: CERTS_DIR }] },
        ],
      }),
    );
    const config = KindConfig.load(source);
    config.useRegistryHosts("/hosts", CERTS_DIR, CONFIG_PATH_PATCH);
    return config.write(dir).then((file) => {
      const written = YAML.parse(readFileSync(file, "utf8")) as {
        containerdConfigPatches: string[];
        nodes: { extraMounts?: { hostPath: string; containerPath: string; readOnly?: boolean }[] }[];
      };
      expect(written.containerdConfigPatches).toEqual([CONFIG_PATH_PATCH]);
      expect(written.nodes.map((n) => n.extraMounts)).toEqual([
        [{ hostPath: "/hosts", containerPath: CERTS_DIR, readOnly: true }],
        [{ hostPath: "/hosts", containerPath: CERTS_DIR, readOnly: true }],
        [{ hostPath: "/own", containerPath: CERTS_DIR }],
      ]);
      expect(config.adjustments.join("\n")).toContain("keeps its own extraMounts");
      expect(loadKindConfig(file).containerdConfigPath).toBe(CERTS_DIR);
    });
  });
});
