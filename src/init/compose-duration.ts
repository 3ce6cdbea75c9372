/** Compose durations are Go durations: "1m30s", "500ms", "1.5h", "10us". */
const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

/** Seconds, or undefined when the text is not a duration. A bare number counts as seconds. */
export function parseComposeDuration(value: unknown): number | undefined {
  if (typeof value === "number") return value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!DURATION.test(text)) return undefined;
  let seconds = 0;
  for (const match of text.matchAll(PART)) seconds += Number(match[1]) * (UNIT_SECONDS[match[2] ?? "s"] ?? 1);
  return seconds;
}

/** A Paddock duration for the stack file: "90s", or "1500ms" when not whole seconds. */
export function formatPaddockDuration(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}
