import { createInterface } from "node:readline";
import { execa, type ResultPromise } from "execa";
import { PaddockError } from "../../errors.js";
import type { ForwardSpec } from "./kept-forwards.js";
import type { Kubectl } from "./kubectl.js";

const FORWARDING = /^Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/;
/** How long kubectl may take to start forwarding (it waits for a running pod). */
const START_TIMEOUT_MS = 30_000;
const MAX_RESTARTS = 5;

interface Forward extends ForwardSpec {
  child: ResultPromise;
  restarts: number;
}

/**
 * `kubectl port-forward` processes a run owns: each bound to 127.0.0.1, started before the tests,
 * restarted on the same local port if it dies while the run lives (a restarted pod ends kubectl's
 * stream), stopped at teardown.
 */
export class PortForwards {
  private readonly forwards: Forward[] = [];
  private stopping = false;

  constructor(
    private readonly kubectl: Kubectl,
    private readonly log: (line: string) => void,
  ) {}

  /** Forwards a local port to `target` (e.g. `svc/api`) port `remotePort`; resolves with the local port once kubectl says it forwards. */
  async open(target: string, namespace: string, remotePort: number, signal: AbortSignal): Promise<number> {
    const { child, localPort } = await this.spawn(target, namespace, `:${remotePort}`, signal);
    const forward: Forward = { target, namespace, remotePort, localPort, child, restarts: 0 };
    this.forwards.push(forward);
    this.watch(forward);
    return localPort;
  }

  private async spawn(
    target: string,
    namespace: string,
    ports: string,
    signal: AbortSignal,
  ): Promise<{ child: ResultPromise; localPort: number }> {
    const args = ["port-forward", "--address", "127.0.0.1", target, ports, "-n", namespace];
    const shown = `kubectl ${args.join(" ")}`;
    const child = execa(
      "kubectl",
      [...args, "--kubeconfig", this.kubectl.kubeconfig, "--context", this.kubectl.context],
      { env: { KUBECONFIG: this.kubectl.kubeconfig }, reject: false, all: true, buffer: false, stdin: "ignore" },
    );
    const output: string[] = [];
    const started = new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.all! });
      lines.on("line", (line) => {
        output.push(line);
        const match = FORWARDING.exec(line);
        if (match) resolve(Number(match[1]));
      });
      void child.then((result) =>
        reject(
          new PaddockError(`${shown} exited (${String(result.exitCode)}) before it forwarded`, {
            hint: `its output: ${output.slice(-5).join(" | ") || "(none)"}`,
          }),
        ),
      );
    });
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(START_TIMEOUT_MS)]);
    const onAbort = (): void => void child.kill("SIGTERM");
    timeout.addEventListener("abort", onAbort, { once: true });
    try {
      return { child, localPort: await started };
    } catch (error) {
      child.kill("SIGTERM");
      throw error;
    } finally {
      timeout.removeEventListener("abort", onAbort);
    }
  }

  private watch(forward: Forward): void {
    void forward.child.then(async () => {
      if (this.stopping) return;
      if (forward.restarts >= MAX_RESTARTS) {
        this.log(`port-forward ${forward.target} stopped ${MAX_RESTARTS} times: not restarted again`);
        return;
      }
      forward.restarts++;
      this.log(`port-forward ${forward.target} ended; restarting it on 127.0.0.1:${forward.localPort}`);
      try {
        const { child } = await this.spawn(
          forward.target,
          forward.namespace,
          `${forward.localPort}:${forward.remotePort}`,
          AbortSignal.timeout(START_TIMEOUT_MS),
        );
        forward.child = child;
        this.watch(forward);
      } catch (error) {
        this.log(`port-forward ${forward.target} could not be restarted: ${String(error)}`);
      }
    });
  }

  /** What is forwarded now, to keep it forwarded after the run (`keepForwards`). */
  specs(): ForwardSpec[] {
    return this.forwards.map(({ target, namespace, remotePort, localPort }) => ({
      target,
      namespace,
      remotePort,
      localPort,
    }));
  }

  /** Stops every forward and waits for the processes to end. */
  async close(): Promise<void> {
    this.stopping = true;
    for (const f of this.forwards) f.child.kill("SIGTERM");
    await Promise.allSettled(this.forwards.map((f) => f.child));
  }
}
