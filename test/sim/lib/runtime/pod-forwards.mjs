// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// The program of a pod sandbox whose Services map a port to another targetPort (service-routes.mjs):
// it holds the pod's network like `sleep infinity` would, and forwards each such port to the
// targetPort on the pod's own loopback, where its containers listen.
import { forward, Listeners } from "./endpoints.mjs";

const log = (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
const forwards = (process.env.SIM_FORWARDS ?? "")
  .split(",")
  .filter(Boolean)
  .map((pair) => pair.split(":").map(Number));
const targets = new Map(forwards.map(([port, target]) => [port, target]));
const listeners = new Listeners((port, socket) => forward(socket, [{ ip: "127.0.0.1", port: targets.get(port) }]), log);
listeners.sync([...targets.keys()]);
log(`forwarding ${forwards.map(([p, t]) => `${p}->${t}`).join(", ")}`);
// PID 1 of the sandbox: a stop ends it at once, as it would `sleep`.
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => process.exit(0));
