/** Durations in the stack file: a number of seconds, or "500ms", "30s", "2m", "1h", "1m30s". */
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value.trim();
  if (!DURATION.test(text)) return undefined;
  let seconds = 0;
  for (const match of text.matchAll(PART)) {
    seconds += Number(match[1]) * (UNIT_SECONDS[match[2] ?? "s"] ?? 1);
  }
  return seconds;
}

export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(1)}s`;
}
