import type { Probe, ProbeResult } from "./probe.js";

/**
 * Each attempt waits longer, from 100 ms up to 2 s. A request that reaches a container whose network
 * is not up yet hangs in the port proxy (its SYN is retransmitted after a second): a short first
 * wait tries again at once, on a connection that then gets through. A slow /healthz still gets 2 s.
 */
const FIRST_REQUEST_TIMEOUT_MS = 100;
const REQUEST_TIMEOUT_MS = 2000;

/** Ready when the URL answers with the expected status (any 2xx by default). */
export function httpProbe(url: string, expectedStatus: number | undefined, description: string): Probe {
  let attempts = 0;
  return {
    description,
    async check(signal): Promise<ProbeResult> {
      const timeoutMs = Math.min(REQUEST_TIMEOUT_MS, FIRST_REQUEST_TIMEOUT_MS * 2 ** attempts++);
      // A plain controller and timer, not AbortSignal.any(AbortSignal.timeout()): on Node 20 the
      // timeout signal inside any() can be garbage-collected, and the request then hangs forever
      // (a published port accepts connections before the service listens).
      const request = new AbortController();
      const timer = setTimeout(() => request.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      const onAbort = (): void => request.abort(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        const response = await fetch(url, { signal: request.signal, redirect: "manual" });
        await response.body?.cancel();
        const ok =
          expectedStatus === undefined
            ? response.status >= 200 && response.status < 300
            : response.status === expectedStatus;
        return { ready: ok, detail: `HTTP ${response.status}` };
      } catch (error) {
        if (signal.aborted) throw error;
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const code = cause?.code ?? cause?.message ?? (error as Error).message;
        // A published port accepts connections even when nothing listens behind it; it then closes them.
        return {
          ready: false,
          detail:
            code === "UND_ERR_SOCKET"
              ? "connection closed without a response (is the service listening on that port?)"
              : code,
        };
      } finally {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
      }
    },
  };
}
