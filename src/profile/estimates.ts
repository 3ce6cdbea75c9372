import { formatSeconds } from "./format.js";
import type { Profile } from "./types.js";

/** Estimated wall seconds of the same run under each strategy (from the scheduler's simulation). */
export interface StrategyEstimates {
  graph?: number;
  phased?: number;
  sequential?: number;
}

export type Strategy = Profile["strategy"];
const STRATEGIES: readonly Strategy[] = ["graph", "phased", "sequential"];

export interface EstimateComparison {
  strategy: Strategy;
  seconds: number;
  /** estimate / actual wall: 1.6 means that strategy would have been 1.6× slower. */
  ratio: number;
}

/** The estimates for the strategies other than the one the run used, in a fixed order. */
export function compareEstimates(profile: Profile, estimates: StrategyEstimates): EstimateComparison[] {
  return STRATEGIES.filter((s) => s !== profile.strategy)
    .map((strategy) => ({ strategy, seconds: estimates[strategy] }))
    .filter(
      (e): e is { strategy: Strategy; seconds: number } => typeof e.seconds === "number" && Number.isFinite(e.seconds),
    )
    .map((e) => ({ ...e, ratio: profile.wallSeconds > 0 ? e.seconds / profile.wallSeconds : 0 }));
}

/**
 * `This run (graph) took 180.5s; the same run would have taken 201.1s phased / 290.0s sequential (estimated).`
 * Undefined when there is nothing to compare against.
 */
export function formatEstimateLine(profile: Profile, estimates: StrategyEstimates | undefined): string | undefined {
  if (estimates === undefined) return undefined;
  const others = compareEstimates(profile, estimates);
  if (others.length === 0) return undefined;
  const parts = others.map((e) => `${formatSeconds(e.seconds)} ${e.strategy}`).join(" / ");
  return `This run (${profile.strategy}) took ${formatSeconds(profile.wallSeconds)}; the same run would have taken ${parts} (estimated).`;
}
