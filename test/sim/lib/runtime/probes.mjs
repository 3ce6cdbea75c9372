// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Readiness, liveness and startup probes, run for real against the pod (from the node's agent, on
// the cluster network), with the kubelet's result texts: httpGet (200–399 passes), tcpSocket, exec.
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { docker } from "../docker-api.mjs";

export const PROBE_DEFAULTS = {
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
};

/** A probe's port (number or the name of one of the container's ports). */
export function resolvePort(container, port) {
  if (typeof port === "number") return port;
  if (/^\d+$/.test(String(port))) return Number(port);
  const found = (container.ports ?? []).find((p) => p.name === port);
  if (!found) throw new Error(`port ${port} not found`);
  return found.containerPort;
}

function dialError(e, host, port) {
  const codes = {
    ECONNREFUSED: "connect: connection refused",
    EHOSTUNREACH: "connect: no route to host",
    ENETUNREACH: "connect: network is unreachable",
    ECONNRESET: "read: connection reset by peer",
  };
  return `dial tcp ${host}:${port}: ${codes[e.code] ?? e.message}`;
}

function httpProbe(probe, container, podIP, timeoutMs) {
  const g = probe.httpGet;
  const port = resolvePort(container, g.port);
  const host = g.host || podIP;
  const scheme = (g.scheme ?? "HTTP").toLowerCase();
  const p = g.path ?? "/";
  const url = `${scheme}://${host}:${port}${p.startsWith("/") ? p : `/${p}`}`;
  const headers = {
    "User-Agent": "kube-probe/1.31",
    Accept: "*/*",
    ...Object.fromEntries((g.httpHeaders ?? []).map((h) => [h.name, h.value])),
  };
  return new Promise((resolve) => {
    const lib = scheme === "https" ? https : http;
    const req = lib.get(url, { headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(
        code >= 200 && code < 400
          ? { ok: true, message: `HTTP probe succeeded with statuscode: ${code}` }
          : { ok: false, message: `HTTP probe failed with statuscode: ${code}` },
      );
    });
    req.on("timeout", () => {
      req.destroy();
      resolve({
        ok: false,
        message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
      });
    });
    req.on("error", (e) =>
      resolve({
        ok: false,
        message:
          e.code === "ECONNRESET" && !e.syscall ? `Get "${url}": EOF` : `Get "${url}": ${dialError(e, host, port)}`,
      }),
    );
  });
}

function tcpProbe(probe, container, podIP, timeoutMs) {
  const port = resolvePort(container, probe.tcpSocket.port);
  const host = probe.tcpSocket.host || podIP;
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` });
    }, timeoutMs);
    socket.on("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: true, message: "" });
    });
    socket.on("error", (e) => {
      clearTimeout(timer);
      resolve({ ok: false, message: dialError(e, host, port) });
    });
  });
}

async function execProbe(probe, dockerId, timeoutMs) {
  const cmd = probe.exec?.command ?? [];
  try {
    const r = await Promise.race([
      docker.exec(dockerId, cmd, { timeoutMs: timeoutMs + 5000 }),
      new Promise((resolve) => setTimeout(() => resolve(null), timeoutMs)),
    ]);
    if (r === null) return { ok: false, message: `command ${JSON.stringify(cmd.join(" "))} timed out` };
    if (r.exitCode === 0) return { ok: true, message: r.output };
    if (/OCI runtime exec failed/.test(r.output))
      return {
        ok: false,
        errored: true,
        message: `rpc error: code = Unknown desc = failed to exec in container: ${r.output.trim()}`,
      };
    return { ok: false, message: r.output.trim() };
  } catch (e) {
    return { ok: false, errored: true, message: `rpc error: code = Unknown desc = ${e.message}` };
  }
}

/** One probe attempt: { ok, message, errored? }. */
export async function runProbe(probe, container, podIP, dockerId) {
  const timeoutMs = (probe.timeoutSeconds ?? PROBE_DEFAULTS.timeoutSeconds) * 1000;
  try {
    if (probe.httpGet) return await httpProbe(probe, container, podIP, timeoutMs);
    if (probe.tcpSocket) return await tcpProbe(probe, container, podIP, timeoutMs);
    if (probe.exec) return await execProbe(probe, dockerId, timeoutMs);
    return { ok: false, errored: true, message: "paddock-sim runs httpGet, tcpSocket and exec probes only" };
  } catch (e) {
    return { ok: false, errored: true, message: e.message };
  }
}
