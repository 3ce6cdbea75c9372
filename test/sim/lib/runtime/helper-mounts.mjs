// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Inside a node container: the host paths (passed by `kind create cluster` in SIM_HOST_*) that the
// helper containers it starts need mounted — Node, the simulator's code, its state, the socket.
export function helperBindsFromEnv() {
  const e = process.env;
  return [`${e.SIM_HOST_NODE}:/usr/local/bin/node:ro`, `${e.SIM_HOST_LIB}:/sim:ro`, `${e.SIM_HOST_DIR}:/sim-root:ro`];
}

export function helperEnvFromEnv(extra) {
  const keep = ["PADDOCK_SIM_DIR", "SIM_CLUSTER", "SIM_INSTANCE", "SIM_NETWORK"];
  return [...keep.map((k) => `${k}=${process.env[k]}`), ...Object.entries(extra).map(([k, v]) => `${k}=${v}`)];
}
