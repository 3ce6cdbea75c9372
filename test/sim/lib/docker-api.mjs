// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// A small client of the REAL Docker Engine API over its unix socket: the simulated cluster's nodes,
// pods and Service proxies are real containers. Used on the host (kind, kubectl) and inside the
// node containers (the agent), which get the socket mounted.
import fs from "node:fs";
import http from "node:http";

export class DockerError extends Error {
  constructor(status, message, path) {
    super(message);
    this.status = status;
    this.path = path;
  }
}

/** The engine's socket: $DOCKER_HOST (unix://…) or the default. */
export function dockerSocket() {
  const host = process.env.DOCKER_HOST ?? "";
  if (host.startsWith("unix://")) return host.slice("unix://".length);
  return "/var/run/docker.sock";
}

export function dockerReachable() {
  return fs.existsSync(dockerSocket());
}

function request(method, path, { body, timeoutMs = 120_000, raw = false, query } = {}) {
  const qs = query
    ? `?${new URLSearchParams(
        Object.entries(query)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, String(v)]),
      )}`
    : "";
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        socketPath: dockerSocket(),
        method,
        path: path + qs,
        headers: {
          ...(data ? { "content-type": "application/json", "content-length": data.length } : {}),
          host: "docker",
        },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const buf = Buffer.concat(chunks);
          if (res.statusCode >= 400) {
            let message = buf.toString("utf8");
            try {
              message = JSON.parse(message).message ?? message;
            } catch {
              // plain text error
            }
            reject(new DockerError(res.statusCode, message.trim(), path));
            return;
          }
          if (raw) return resolve(buf);
          const text = buf.toString("utf8");
          try {
            resolve(text ? JSON.parse(text) : null);
          } catch {
            resolve(text);
          }
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`docker ${method} ${path}: no answer within ${timeoutMs} ms`)),
    );
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

/** Splits Docker's multiplexed stdout/stderr stream (8-byte frame headers) into one text, in order. */
export function demux(buf) {
  const parts = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    const size = buf.readUInt32BE(off + 4);
    parts.push(buf.subarray(off + 8, off + 8 + size));
    off += 8 + size;
  }
  return Buffer.concat(parts).toString("utf8");
}

const ignore =
  (...codes) =>
  (e) => {
    if (e instanceof DockerError && codes.includes(e.status)) return null;
    throw e;
  };

export const docker = {
  request,
  inspectImage: (ref) => request("GET", `/images/${encodeURIComponent(ref)}/json`).catch(ignore(404)),
  createContainer: (name, config) => request("POST", "/containers/create", { body: config, query: { name } }),
  startContainer: (id) => request("POST", `/containers/${id}/start`).catch(ignore(304)),
  inspectContainer: (id) => request("GET", `/containers/${id}/json`).catch(ignore(404)),
  /** Sends the container's stop signal, SIGKILL after `seconds`; resolves once it has stopped. */
  stopContainer: (id, seconds) =>
    request("POST", `/containers/${id}/stop`, {
      query: { t: Math.max(0, Math.round(seconds)) },
      timeoutMs: (seconds + 60) * 1000,
    }).catch(ignore(304, 404)),
  killContainer: (id, signal = "SIGKILL") =>
    request("POST", `/containers/${id}/kill`, { query: { signal } }).catch(ignore(404, 409)),
  removeContainer: (id) =>
    request("DELETE", `/containers/${id}`, { query: { force: 1, v: 1 } }).catch(ignore(404, 409)),
  /** Long poll until the container exits: its exit code. */
  waitContainer: (id) => request("POST", `/containers/${id}/wait`, { timeoutMs: 2 ** 31 - 1 }),
  listContainers: (labels) =>
    request("GET", "/containers/json", { query: { all: 1, filters: JSON.stringify({ label: labels }) } }),
  logs: async (id, { tail, timestamps = false } = {}) => {
    const buf = await request("GET", `/containers/${id}/logs`, {
      raw: true,
      query: {
        stdout: 1,
        stderr: 1,
        timestamps: timestamps ? 1 : 0,
        tail: tail === undefined || tail < 0 ? "all" : tail,
      },
    });
    return demux(buf);
  },
  createNetwork: (name, labels) =>
    request("POST", "/networks/create", { body: { Name: name, CheckDuplicate: true, Labels: labels } }),
  connectNetwork: (network, container) =>
    request("POST", `/networks/${encodeURIComponent(network)}/connect`, { body: { Container: container } }),
  /** Pulls an image into the engine (the body streams progress; an error shows up in it, not in the status). */
  pullImage: async (ref) => {
    const at = ref.lastIndexOf(":");
    const hasTag = at > ref.lastIndexOf("/");
    const out = await request("POST", "/images/create", {
      query: { fromImage: hasTag ? ref.slice(0, at) : ref, tag: hasTag ? ref.slice(at + 1) : "latest" },
      raw: true,
      timeoutMs: 300_000,
    });
    const failed = String(out)
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((m) => m.error);
    if (failed) throw new DockerError(500, failed.error, "/images/create");
  },
  removeNetwork: (id) => request("DELETE", `/networks/${id}`).catch(ignore(404)),
  listNetworks: (labels) => request("GET", "/networks", { query: { filters: JSON.stringify({ label: labels }) } }),
  /** Networks called exactly `name` (the engine's name filter matches substrings). */
  networksNamed: async (name) =>
    (await request("GET", "/networks", { query: { filters: JSON.stringify({ name: [name] }) } })).filter(
      (n) => n.Name === name,
    ),
  createVolume: (name, labels, driverOpts) =>
    request("POST", "/volumes/create", {
      body: { Name: name, Labels: labels, ...(driverOpts ? { DriverOpts: driverOpts } : {}) },
    }),
  removeVolume: (name) => request("DELETE", `/volumes/${name}`, { query: { force: 1 } }).catch(ignore(404)),
  listVolumes: async (labels) =>
    (await request("GET", "/volumes", { query: { filters: JSON.stringify({ label: labels }) } }))?.Volumes ?? [],
  /** Runs a command in a running container: { exitCode, output } (stdout and stderr together). */
  exec: async (id, cmd, { timeoutMs = 60_000, user } = {}) => {
    const created = await request("POST", `/containers/${id}/exec`, {
      body: { AttachStdout: true, AttachStderr: true, Cmd: cmd, ...(user ? { User: user } : {}) },
    });
    const buf = await request("POST", `/exec/${created.Id}/start`, {
      body: { Detach: false, Tty: false },
      raw: true,
      timeoutMs,
    });
    const info = await request("GET", `/exec/${created.Id}/json`);
    return { exitCode: info.ExitCode, output: demux(buf) };
  },
};
