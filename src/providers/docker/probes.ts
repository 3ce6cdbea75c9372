import type { ReadySpec } from "../../config/stack.js";
import { execProbe } from "../../readiness/exec.js";
import { healthcheckProbe } from "../../readiness/healthcheck.js";
import { httpProbe } from "../../readiness/http.js";
import { logProbe } from "../../readiness/log.js";
import type { Probe } from "../../readiness/probe.js";
import { tcpProbe } from "../../readiness/tcp.js";
import type { ProviderContext } from "../types.js";
import type { DockerCall } from "./call.js";

/** The readiness probe of a container: its published ports for http, its own address for tcp, docker exec/logs/inspect for the rest. */
export async function containerProbe(
  docker: DockerCall,
  ready: ReadySpec,
  container: string,
  network: string,
  ports: ReadonlyMap<number, number>,
  ctx: ProviderContext,
): Promise<Probe> {
  switch (ready.type) {
    case "http": {
      const port = ports.get(ready.port);
      return httpProbe(`http://127.0.0.1:${port}${ready.path}`, ready.status, `http GET :${ready.port}${ready.path}`);
    }
    case "tcp": {
      // The published port always accepts (docker-proxy listens); the container's own address tells the truth.
      const ip = (
        await docker(
          ["inspect", "--format", `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, container],
          ctx,
        )
      ).stdout.trim();
      return tcpProbe(ip || "127.0.0.1", ip ? ready.port : (ports.get(ready.port) ?? ready.port), `tcp :${ready.port}`);
    }
    case "exec":
      return execProbe(
        async (signal) => {
          const r = await docker(["exec", container, ...ready.command], { signal }, { allowFailure: true });
          return { exitCode: r.exitCode, output: r.all };
        },
        `exec ${ready.command.join(" ")}`,
      );
    case "log":
      return logProbe(
        async (signal) => (await docker(["logs", container], { signal })).all,
        ready.text,
        `log "${ready.text}"`,
      );
    case "healthcheck":
      return healthcheckProbe(
        async (signal) =>
          (
            await docker(["inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", container], {
              signal,
            })
          ).stdout,
        "docker healthcheck",
      );
  }
}
