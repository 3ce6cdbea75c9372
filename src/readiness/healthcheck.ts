import type { Probe, ProbeResult } from "./probe.js";

/** Ready when the container runtime's own HEALTHCHECK says healthy. */
export function healthcheckProbe(status: (signal: AbortSignal) => Promise<string>, description: string): Probe {
  return {
    description,
    async check(signal): Promise<ProbeResult> {
      const health = (await status(signal)).trim();
      if (health === "" || health === "<no value>") return { ready: false, detail: "the image defines no HEALTHCHECK" };
      return { ready: health === "healthy", detail: `health: ${health}` };
    },
  };
}
