import type { ItemResult } from "./score.ts";
import { EVAL_KINDS, type EvalKind } from "./set.ts";

/** Figures over a group of questions. Shares are 0..1; a share with nothing to measure is null. */
export interface Figures {
  questions: number;
  /** Questions of every kind but unanswerable. */
  answerable: number;
  /** Share of answerable questions with every gold fact in the answer. */
  factsRight: number | null;
  /** Share of all gold facts found, one by one. */
  factRecall: number | null;
  /** Retrieval, over questions with gold documents. */
  recallAt1: number | null;
  recallAt5: number | null;
  mrr: number | null;
  /** Share of cited documents that are gold, over questions with gold documents that cite any. */
  citationPrecision: number | null;
  /** Effect tools proposed for questions that asked for no action. */
  wrongEffects: number;
  unanswerable: number;
  /** Unanswerable questions whose answer declines. */
  declined: number;
  /** Answerable questions whose answer declines. */
  falseDeclines: number;
  /** Runs that did not complete. */
  failed: number;
  tokensPerQuestion: number;
  msPerQuestion: number;
}

export interface Summary extends Figures {
  byKind: Partial<Record<EvalKind, Figures>>;
}

const mean = (values: readonly number[]): number | null => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);

function figures(items: readonly ItemResult[]): Figures {
  const answerable = items.filter((i) => i.kind !== "unanswerable");
  const unanswerable = items.filter((i) => i.kind === "unanswerable");
  const facts = answerable.flatMap((i) => i.facts);
  const retrieved = items.flatMap((i) => (i.retrieval ? [i.retrieval] : []));
  return {
    questions: items.length,
    answerable: answerable.length,
    factsRight: mean(answerable.map((i) => Number(i.right))),
    factRecall: mean(facts.map((f) => Number(f.found))),
    recallAt1: mean(retrieved.map((r) => r.recallAt1)),
    recallAt5: mean(retrieved.map((r) => r.recallAt5)),
    mrr: mean(retrieved.map((r) => r.reciprocalRank)),
    citationPrecision: mean(items.flatMap((i) => (i.citationPrecision === undefined ? [] : [i.citationPrecision]))),
    wrongEffects: items.reduce((n, i) => n + i.wrongEffects, 0),
    unanswerable: unanswerable.length,
    declined: unanswerable.filter((i) => i.declined).length,
    falseDeclines: answerable.filter((i) => i.declined).length,
    failed: items.filter((i) => i.status !== "completed").length,
    tokensPerQuestion: Math.round(mean(items.map((i) => i.tokens.input + i.tokens.output)) ?? 0),
    msPerQuestion: Math.round(mean(items.map((i) => i.ms)) ?? 0),
  };
}

/** The figures of all questions, and of each kind present. */
export function summarize(items: readonly ItemResult[]): Summary {
  const byKind: Summary["byKind"] = {};
  for (const kind of EVAL_KINDS) {
    const ofKind = items.filter((i) => i.kind === kind);
    if (ofKind.length > 0) byKind[kind] = figures(ofKind);
  }
  return { ...figures(items), byKind };
}
