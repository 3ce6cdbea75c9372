import net from "node:net";
import type { Probe, ProbeResult } from "./probe.js";

/** Ready when host:port accepts a TCP connection. */
export function tcpProbe(host: string, port: number, description: string): Probe {
  return {
    description,
    check(signal): Promise<ProbeResult> {
      return new Promise((resolve, reject) => {
        const socket = net.connect({ host, port });
        const done = (result: ProbeResult): void => {
          socket.destroy();
          signal.removeEventListener("abort", onAbort);
          resolve(result);
        };
        const onAbort = (): void => {
          socket.destroy();
          reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
        };
        signal.addEventListener("abort", onAbort, { once: true });
        socket.setTimeout(1000, () => done({ ready: false, detail: "connect timed out" }));
        socket.once("connect", () => done({ ready: true, detail: "connected" }));
        socket.once("error", (error: NodeJS.ErrnoException) =>
          done({ ready: false, detail: error.code ?? error.message }),
        );
      });
    },
  };
}
