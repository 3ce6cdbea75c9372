import { formatPaddockDuration, parseComposeDuration } from "./compose-duration.js";
import type { InitReport } from "./report.js";
import { brief, type ReadyOut } from "./stack-out.js";
import { CONVERTED_HEALTHCHECK_FIELDS, EXTENSION_FIELD, UNSUPPORTED_HEALTHCHECK_FIELDS } from "./unsupported-fields.js";
import { stringOf, truthy, type ComposeMap } from "./values.js";

/** Docker's defaults when a healthcheck leaves them out. */
const DOCKER_DEFAULTS = { interval: 30, retries: 3, startPeriod: 0 };

export interface ReadyConversion {
  ready: ReadyOut | undefined;
  /** The service's timeout: how long Docker would take to call it unhealthy. */
  timeout: string | undefined;
}

/**
 * `healthcheck:` → `ready:`. The rule (docs/init.md):
 * - `test: [CMD, ...]` → `exec: [...]`, the same command run inside the container;
 * - `test: [CMD-SHELL, "..."]` or a string → `exec: [sh, -c, "..."]`;
 * - no `test` (only timings) → `healthcheck: true`: the image's own HEALTHCHECK, which is what Compose runs then;
 * - `disable: true` or `test: [NONE]` → no check: ready once started.
 * Paddock polls every 200 ms; `start_period + interval × retries` (Docker's defaults for what
 * is left out) becomes the service's `timeout`, the point where Docker would call it unhealthy.
 */
export function convertHealthcheck(scope: string, healthcheck: ComposeMap, report: InitReport): ReadyConversion {
  for (const [key, value] of Object.entries(healthcheck)) {
    if ((CONVERTED_HEALTHCHECK_FIELDS as readonly string[]).includes(key)) continue;
    report.dropped(
      scope,
      `healthcheck.${key}`,
      key.startsWith("x-")
        ? EXTENSION_FIELD
        : `${brief(value)}: ${UNSUPPORTED_HEALTHCHECK_FIELDS[key] ?? "not supported by Paddock's readiness checks"}`,
    );
  }
  const test = healthcheck["test"];
  const words = Array.isArray(test) ? test.map((w) => stringOf(w) ?? "") : undefined;
  if (truthy(healthcheck["disable"]) || words?.[0] === "NONE") {
    report.changed(
      scope,
      "healthcheck",
      "disabled: no ready: check, so Paddock counts the service ready as soon as its container started",
    );
    return { ready: undefined, timeout: undefined };
  }
  let ready: ReadyOut;
  if (typeof test === "string") ready = { exec: ["sh", "-c", test] };
  else if (words?.[0] === "CMD" && words.length > 1) ready = { exec: words.slice(1) };
  else if (words?.[0] === "CMD-SHELL" && words.length > 1) ready = { exec: ["sh", "-c", words.slice(1).join(" ")] };
  else if (test === undefined) {
    report.changed(
      scope,
      "healthcheck",
      "has no test: ready: { healthcheck: true } waits for the image's own HEALTHCHECK (Compose's interval and retries do not apply to it)",
    );
    ready = { healthcheck: true };
  } else {
    report.dropped(
      scope,
      "healthcheck.test",
      `${brief(test)}: must start with CMD, CMD-SHELL or NONE; no ready: check written`,
    );
    return { ready: undefined, timeout: undefined };
  }
  const seconds = (key: string, fallback: number): number => {
    const value = parseComposeDuration(healthcheck[key]);
    if (healthcheck[key] !== undefined && value === undefined)
      report.dropped(
        scope,
        `healthcheck.${key}`,
        `${brief(healthcheck[key])} is not a duration; Docker's default is used for the timeout`,
      );
    return value ?? fallback;
  };
  const retriesValue = Number(healthcheck["retries"] ?? DOCKER_DEFAULTS.retries);
  const retries = Number.isFinite(retriesValue) && retriesValue > 0 ? retriesValue : DOCKER_DEFAULTS.retries;
  const total =
    seconds("start_period", DOCKER_DEFAULTS.startPeriod) + seconds("interval", DOCKER_DEFAULTS.interval) * retries;
  return {
    ready,
    timeout: ready.exec ? formatPaddockDuration(Math.max(1, Math.round(total * 1000) / 1000)) : undefined,
  };
}
