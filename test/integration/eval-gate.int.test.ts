import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { tempDataDir } from "../support/runtime.ts";

let data: ReturnType<typeof tempDataDir>;

beforeEach(() => {
  data = tempDataDir("guild-eval-gate-");
});
afterEach(() => {
  data.remove();
});

/**
 * The answer-quality gate: the insurance pack's dev set through `guild eval`, offline, team
 * against the generalist. The thresholds sit just under what the engine scores today (README,
 * "Answer quality"); a change that makes answers worse fails here.
 */
describe("guild eval on the shipped dev set (regression gate)", () => {
  it("keeps the team fully right on at least 89% of answerable questions, 1 point above the generalist, with no wrong effect, 9 of 10 unanswerable declined and 82% recall@5", async () => {
    const thresholds = [
      "--min-facts",
      "0.89",
      "--min-margin",
      "0.01",
      "--max-wrong-effects",
      "0",
      "--min-declined",
      "0.9",
      "--min-recall",
      "0.82",
    ];
    const result = await runCli(["eval", "--baseline", "generalist", "--json", ...thresholds], {
      GUILD_DATA_DIR: path.join(data.dir, "unused"),
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const { summary, baseline, items } = JSON.parse(result.stdout);
    expect(summary.questions).toBeGreaterThanOrEqual(60);
    expect(summary.failed).toBe(0);
    expect(baseline.wrongEffects).toBe(0);
    expect(summary.factsRight - baseline.factsRight).toBeGreaterThanOrEqual(0.01);
    // Every action asked for is proposed (and, as the eval approves nothing, not made).
    for (const item of items.filter((i: { kind: string }) => i.kind === "action")) expect(item.effects.length, item.id).toBeGreaterThan(0);
    // 142 runs (71 questions, team and generalist): about 40 s alone, longer beside the rest of the suite.
  }, 180_000);
});
