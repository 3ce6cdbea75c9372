// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE...`: listens on 127.0.0.1 (only: test machines expose
// nothing), prints kubectl's "Forwarding from" lines, and forwards each connection to ONE pod chosen at
// the start (as kubectl does for svc/ and deploy/: the first Running pod of the selector), at the
// Service port's targetPort. It runs until it is signalled (exit 0) or its pod goes away ("lost
// connection to pod", exit 1).
import net from "node:net";
import { CliExit, err } from "./env.mjs";
import { snapshot } from "./kubectl-world.mjs";
import { resolveTargets } from "./kubectl-get.mjs";
import { readRuntime } from "./runtime-store.mjs";
import { matchesSelector } from "./runtime/endpoints.mjs";

export const PORT_FORWARD_FLAGS = {
  address: { type: "string", default: "localhost" },
  "pod-running-timeout": { type: "string", default: "1m0s" },
};

const out = (line) => process.stdout.write(`${line}\n`);

function podsOfSelector(rt, namespace, selector) {
  return Object.values(rt?.pods ?? {}).filter(
    (p) =>
      p.namespace === namespace &&
      !p.deletionTimestamp &&
      p.podIP &&
      p.phase === "Running" &&
      matchesSelector(p.labels, selector),
  );
}

/** The remote port a spec names on the pod: a Service port becomes its targetPort (a number, or a container port's name). */
function podPort(service, pod, remote) {
  if (!service) return Number(remote);
  const port = (service.spec?.ports ?? []).find((p) => String(p.port) === remote || p.name === remote);
  if (!port) throw new CliExit(`error: Service ${service.metadata.name} does not have a service port ${remote}`, 1);
  const target = port.targetPort ?? port.port;
  if (/^\d+$/.test(String(target))) return Number(target);
  for (const c of pod.spec.containers ?? [])
    for (const p of c.ports ?? []) if (p.name === target) return p.containerPort;
  throw new CliExit(`error: Pod '${pod.name}' does not have a named port '${target}'`, 1);
}

export async function portForwardCommand(conn, flags, positional) {
  const [target, ...specs] = positional;
  if (!target || specs.length === 0)
    throw new CliExit("error: TYPE/NAME and list of ports are required for port-forward", 1);
  if (!["localhost", "127.0.0.1"].includes(flags.address))
    throw new CliExit(`error: paddock-sim forwards on 127.0.0.1 only (got --address ${flags.address})`, 1);
  const snap = snapshot(conn.clusterName);
  const [{ t, name }] = resolveTargets(snap, [target.includes("/") ? target : `pod/${target}`], "port-forward");
  const object = snap.get(t, conn.namespace, name);
  if (!object) throw new CliExit(`Error from server (NotFound): ${t.plural} "${name}" not found`, 1);
  const rt = readRuntime(conn.clusterName);
  const service = t.kind === "Service" ? object : undefined;
  const selector =
    t.kind === "Pod" ? undefined : (object.spec?.selector?.matchLabels ?? object.spec?.selector ?? undefined);
  const pods =
    t.kind === "Pod"
      ? Object.values(rt?.pods ?? {}).filter((p) => p.namespace === conn.namespace && p.name === name && p.podIP)
      : podsOfSelector(rt, conn.namespace, selector);
  const pod = pods.sort((a, b) => a.name.localeCompare(b.name))[0];
  if (!pod) throw new CliExit(`error: unable to forward port because pod is not running. Current status=Pending`, 1);

  const forwards = specs.map((spec) => {
    const [local, remote] = spec.includes(":") ? spec.split(":") : [spec, spec];
    return { local: Number(local || 0), podPort: podPort(service, pod, remote) };
  });
  const servers = await Promise.all(
    forwards.map(
      (f) =>
        new Promise((resolve, reject) => {
          const server = net.createServer((socket) => {
            out(`Handling connection for ${server.address().port}`);
            const upstream = net.connect({ host: pod.podIP, port: f.podPort });
            upstream.on("error", (e) => {
              err(
                `E1201 portforward.go:413] an error occurred forwarding ${server.address().port} -> ${f.podPort}: error forwarding port ${f.podPort} to pod ${pod.uid ?? pod.name}: ${e.message}`,
              );
              socket.destroy();
            });
            socket.on("error", () => upstream.destroy());
            socket.pipe(upstream);
            upstream.pipe(socket);
          });
          server.on("error", (e) =>
            reject(
              new CliExit(
                `Unable to listen on port ${f.local}: ${e.message}\nerror: unable to listen on any of the requested ports: [{${f.local} ${f.podPort}}]`,
                1,
              ),
            ),
          );
          server.listen(f.local, "127.0.0.1", () => {
            out(`Forwarding from 127.0.0.1:${server.address().port} -> ${f.podPort}`);
            resolve(server);
          });
        }),
    ),
  );
  const close = () => servers.forEach((s) => s.close());
  return await new Promise((resolve) => {
    const stop = () => {
      clearInterval(watch);
      close();
      resolve(0);
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    // The pod it forwards to must stay: kubectl ends when its stream to the pod is lost.
    const watch = setInterval(() => {
      const now = readRuntime(conn.clusterName)?.pods ?? {};
      const still = Object.values(now).find((p) => p.uid === pod.uid && p.name === pod.name && !p.deletionTimestamp);
      if (still && still.phase === "Running") return;
      clearInterval(watch);
      close();
      err("error: lost connection to pod");
      resolve(1);
    }, 500);
  });
}
