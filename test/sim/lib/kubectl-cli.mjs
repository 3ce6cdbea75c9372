// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// kubectl entry point: global flags, command dispatch, pflag-style errors.
import { CliExit } from "./env.mjs";
import { parseFlags, splitCommandWords, FlagError } from "./flags.mjs";
import { connect } from "./kubectl-world.mjs";
import { applyCommand, APPLY_FLAGS, CREATE_FLAGS } from "./kubectl-apply.mjs";
import { getCommand, GET_FLAGS } from "./kubectl-get.mjs";
import { waitCommand, rolloutCommand, WAIT_FLAGS, ROLLOUT_FLAGS } from "./kubectl-wait.mjs";
import {
  logsCommand,
  scaleCommand,
  deleteCommand,
  versionCommand,
  LOGS_FLAGS,
  SCALE_FLAGS,
  DELETE_FLAGS,
  VERSION_FLAGS,
} from "./kubectl-ops.mjs";
import { portForwardCommand, PORT_FORWARD_FLAGS } from "./kubectl-port-forward.mjs";

const GLOBAL = {
  kubeconfig: { type: "string" },
  context: { type: "string" },
  namespace: { type: "string", short: "n" },
  cluster: { type: "string" },
  user: { type: "string" },
  "request-timeout": { type: "string", default: "0" },
  v: { type: "int", short: "v", default: 0 },
  help: { type: "bool", short: "h" },
};

const COMMANDS = {
  apply: APPLY_FLAGS,
  create: CREATE_FLAGS,
  get: GET_FLAGS,
  wait: WAIT_FLAGS,
  rollout: ROLLOUT_FLAGS,
  logs: LOGS_FLAGS,
  scale: SCALE_FLAGS,
  delete: DELETE_FLAGS,
  version: VERSION_FLAGS,
  "port-forward": PORT_FORWARD_FLAGS,
};

export async function kubectlMain(args) {
  const valueFlags = new Set();
  for (const spec of [GLOBAL, ...Object.values(COMMANDS)])
    for (const [n, s] of Object.entries(spec))
      if (s.type !== "bool") {
        valueFlags.add(n);
        if (s.short) valueFlags.add(s.short);
      }
  const { words, rest } = splitCommandWords(args, valueFlags, 1);
  const cmd = words[0];
  if (!cmd) {
    process.stdout.write("kubectl controls the Kubernetes cluster manager (paddock-sim TEST SIMULATOR).\n");
    return 0;
  }
  const spec = COMMANDS[cmd];
  if (!spec) throw new CliExit(`error: unknown command "${cmd}" for "kubectl"`, 1);
  let parsed;
  try {
    parsed = parseFlags(rest, { ...GLOBAL, ...spec });
  } catch (e) {
    if (e instanceof FlagError)
      throw new CliExit(
        `error: ${e.message}\nSee 'kubectl ${cmd}${cmd === "rollout" ? " status" : ""} --help' for usage.`,
        1,
      );
    throw e;
  }
  const { flags, positional } = parsed;
  if (flags.help) {
    process.stdout.write(`Usage: kubectl ${cmd} [options] (paddock-sim TEST SIMULATOR)\n`);
    return 0;
  }
  const g = { kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace };
  if (cmd === "version") return versionCommand(flags, () => connect(g));
  const conn = connect(g);
  switch (cmd) {
    case "apply":
      return applyCommand(conn, flags, "apply");
    case "create":
      if (positional.length)
        throw new CliExit(
          `error: paddock-sim models only "kubectl create -f" (got "create ${positional.join(" ")}")`,
          1,
        );
      return applyCommand(conn, flags, "create");
    case "get":
      return getCommand(conn, flags, positional);
    case "wait":
      return waitCommand(conn, flags, positional);
    case "rollout":
      return rolloutCommand(conn, flags, positional);
    case "logs":
      return logsCommand(conn, flags, positional);
    case "scale":
      return scaleCommand(conn, flags, positional);
    case "delete":
      return deleteCommand(conn, flags, positional);
    case "port-forward":
      return portForwardCommand(conn, flags, positional);
  }
  return 0;
}
