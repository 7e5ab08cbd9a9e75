import type { EvalResult } from "./runner.ts";

/** Floors (and one ceiling) a result must meet, as `guild eval --min-*` sets them; absent ones are not checked. */
export interface Thresholds {
  /** The team's share of answerable questions fully right. */
  minFacts?: number | undefined;
  /** The team's document recall@5. */
  minRecall?: number | undefined;
  /** The team's share of unanswerable questions declined. */
  minDeclined?: number | undefined;
  /** How far the team's fully-right share must be above the generalist's (needs the baseline). */
  minMargin?: number | undefined;
  /** Effect tools proposed for questions that asked for none. */
  maxWrongEffects?: number | undefined;
}

const shown = (share: number) => `${(share * 100).toFixed(1)}%`;

/** What falls short of the thresholds, one sentence each; empty when everything passes. */
export function shortfalls(result: EvalResult, thresholds: Thresholds): string[] {
  const team = result.team.summary;
  const failures: string[] = [];
  const floor = (name: string, value: number | null, min: number | undefined) => {
    if (min !== undefined && (value ?? 0) < min)
      failures.push(`${name} ${value === null ? "not measured" : shown(value)} is below ${shown(min)}`);
  };
  floor("fully right", team.factsRight, thresholds.minFacts);
  floor("recall@5", team.recallAt5, thresholds.minRecall);
  floor("declined", team.unanswerable === 0 ? null : team.declined / team.unanswerable, thresholds.minDeclined);
  if (thresholds.minMargin !== undefined) {
    const baseline = result.baseline?.summary.factsRight;
    if (baseline === undefined || baseline === null) failures.push("the margin over the generalist needs --baseline generalist");
    else floor("the team's margin over the generalist", (team.factsRight ?? 0) - baseline, thresholds.minMargin);
  }
  if (thresholds.maxWrongEffects !== undefined && team.wrongEffects > thresholds.maxWrongEffects) {
    failures.push(`${team.wrongEffects} wrong effects is above ${thresholds.maxWrongEffects}`);
  }
  return failures;
}
