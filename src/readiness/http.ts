import type { Probe, ProbeResult } from "./probe.js";

const REQUEST_TIMEOUT_MS = 2000;

/** Ready when the URL answers with the expected status (any 2xx by default). */
export function httpProbe(url: string, expectedStatus: number | undefined, description: string): Probe {
  return {
    description,
    async check(signal): Promise<ProbeResult> {
      // A plain controller and timer, not AbortSignal.any(AbortSignal.timeout()): on Node 20 the
      // timeout signal inside any() can be garbage-collected, and the request then hangs forever
      // (a published port accepts connections before the service listens).
      const request = new AbortController();
      const timer = setTimeout(() => request.abort(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
      const onAbort = (): void => request.abort(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        const response = await fetch(url, { signal: request.signal, redirect: "manual" });
        await response.body?.cancel();
        const ok = expectedStatus === undefined ? response.status >= 200 && response.status < 300 : response.status === expectedStatus;
        return { ready: ok, detail: `HTTP ${response.status}` };
      } catch (error) {
        if (signal.aborted) throw error;
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const code = cause?.code ?? cause?.message ?? (error as Error).message;
        // A published port accepts connections even when nothing listens behind it; it then closes them.
        return { ready: false, detail: code === "UND_ERR_SOCKET" ? "connection closed without a response (is the service listening on that port?)" : code };
      } finally {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
      }
    },
  };
}
