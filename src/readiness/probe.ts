/** One readiness check. `detail` says what was seen, for the error when readiness never comes. */
export interface ProbeResult {
  ready: boolean;
  detail: string;
}

export interface Probe {
  /** e.g. "http GET :8080/healthz" */
  readonly description: string;
  check(signal: AbortSignal): Promise<ProbeResult>;
}
