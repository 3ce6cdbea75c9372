// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// A Service's endpoints, as the endpoints controller computes them: the Ready, not terminating pods
// of its namespace whose labels match its selector, with each Service port's targetPort resolved
// (a number, or the name of a container port).
import net from "node:net";

export function matchesSelector(labels, selector) {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

function targetPortOf(pod, port) {
  const t = port.targetPort ?? port.port;
  if (typeof t === "number" || /^\d+$/.test(String(t))) return Number(t);
  for (const c of pod.spec.containers ?? []) for (const p of c.ports ?? []) if (p.name === t) return p.containerPort;
  return undefined;
}

/** [{ ip, port }] behind one port of the Service (by its index in spec.ports). */
export function endpointsFor(service, portIndex, rt) {
  const selector = service.spec?.selector;
  if (!selector || !Object.keys(selector).length) return [];
  const port = service.spec.ports?.[portIndex];
  if (!port) return [];
  return Object.values(rt?.pods ?? {})
    .filter(
      (p) =>
        p.namespace === service.metadata.namespace &&
        !p.deletionTimestamp &&
        p.podIP &&
        matchesSelector(p.labels, selector),
    )
    .filter((p) => p.phase === "Running" && p.conditions.some((c) => c.type === "Ready" && c.status === "True"))
    .map((p) => ({ ip: p.podIP, port: targetPortOf(p, port) }))
    .filter((e) => e.port !== undefined);
}

/** Proxies one accepted connection to a random endpoint; no endpoint: the connection is refused (reset). */
export function forward(socket, endpoints) {
  const reset = (s) => (s.resetAndDestroy ? s.resetAndDestroy() : s.destroy());
  if (!endpoints.length) {
    reset(socket);
    return;
  }
  const e = endpoints[Math.floor(Math.random() * endpoints.length)];
  const upstream = net.connect({ host: e.ip, port: e.port });
  socket.on("error", () => upstream.destroy());
  upstream.on("error", () => reset(socket));
  socket.pipe(upstream);
  upstream.pipe(socket);
}

/**
 * Keeps one TCP listener per wanted port: sync(ports) opens new ones and closes the others;
 * onConnection(port, socket) handles each connection.
 */
export class Listeners {
  constructor(onConnection, log) {
    this.servers = new Map();
    this.onConnection = onConnection;
    this.log = log;
  }
  sync(ports) {
    const want = new Set(ports);
    for (const [port, server] of this.servers)
      if (!want.has(port)) {
        server.close();
        this.servers.delete(port);
      }
    for (const port of want) {
      if (this.servers.has(port)) continue;
      const server = net.createServer((socket) => this.onConnection(port, socket));
      server.on("error", (e) => {
        this.log(`listen ${port}: ${e.message}`);
        this.servers.delete(port);
      });
      server.listen(port, "0.0.0.0");
      this.servers.set(port, server);
    }
  }
}
