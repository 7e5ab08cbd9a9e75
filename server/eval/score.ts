import { eventsOfType, type Run, type RunEvent, type RunStatus } from "../contract/index.ts";
import { declines } from "./decline.ts";
import { factFound } from "./facts.ts";
import type { EvalItem, EvalKind } from "./set.ts";

/** How one question went. */
export interface ItemResult {
  id: string;
  kind: EvalKind;
  question: string;
  status: RunStatus;
  error?: string;
  answer: string;
  /** The specialist of each planned step, in order. */
  plan: string[];
  facts: { fact: string; found: boolean }[];
  /** Every gold fact is in the answer; for an unanswerable question, the answer declines. */
  right: boolean;
  declined: boolean;
  /** Documents in the order retrieval ranked them, and how the gold documents fared (questions with gold documents only). */
  retrieval?: { documents: string[]; recallAt1: number; recallAt5: number; reciprocalRank: number };
  /** Each search of the run: whose, over which documents (its own, or the pack's after a fallback), and how strong its evidence was. */
  searches: { specialist: string; scope: "own" | "pack"; strength: number | null }[];
  /** The documents the answer cites. */
  cited: string[];
  /** Share of cited documents that are gold (questions with gold documents that cite something). */
  citationPrecision?: number;
  /** Effect tools proposed (each asked of a reviewer, none approved). */
  effects: { tool: string; args: Record<string, unknown> }[];
  /** Effects proposed for a question that asked for none. */
  wrongEffects: number;
  tokens: { input: number; output: number };
  ms: number;
}

const documentOf = (source: string): string => source.split(" § ")[0]!.trim();

/**
 * The documents of a run's searches, best first: the first passage of every search, then the
 * second of every search, and so on, so that each step's search counts, not only the first one.
 */
export function rankedDocuments(events: readonly RunEvent[]): string[] {
  const searches = eventsOfType(events, "retrieval.done").map((e) => e.data.passages.map((p) => documentOf(p.source)));
  const ranked: string[] = [];
  const longest = Math.max(0, ...searches.map((s) => s.length));
  for (let rank = 0; rank < longest; rank += 1) {
    for (const search of searches) {
      const doc = search[rank];
      if (doc !== undefined && !ranked.includes(doc)) ranked.push(doc);
    }
  }
  return ranked;
}

/** Share of gold documents among the first k, out of as many as fit in k. */
function recallAt(ranked: readonly string[], gold: readonly string[], k: number): number {
  const found = gold.filter((d) => ranked.slice(0, k).includes(d)).length;
  return found / Math.min(k, gold.length);
}

/** The effect calls a run proposed: every tool-call approval it asked for an effect tool. */
function proposedEffects(events: readonly RunEvent[], effectTools: ReadonlySet<string>): ItemResult["effects"] {
  const effects: ItemResult["effects"] = [];
  for (const event of events) {
    if (event.type !== "approval.requested") continue;
    const { approval } = event.data;
    if (approval.kind === "tool_call" && effectTools.has(approval.action.name))
      effects.push({ tool: approval.action.name, args: approval.action.args });
  }
  return effects;
}

/** Scores one question's run against its gold documents and facts. */
export function scoreItem(item: EvalItem, run: Run, events: readonly RunEvent[], effectTools: ReadonlySet<string>, ms: number): ItemResult {
  const answer = run.result?.answer ?? "";
  const declined = declines(answer);
  const facts = item.gold_facts.map((fact) => ({ fact, found: factFound(answer, fact) }));
  const right = run.status === "completed" && (item.kind === "unanswerable" ? declined : facts.every((f) => f.found));
  const plan = eventsOfType(events, "plan.proposed").at(-1)?.data.steps;
  const ranked = rankedDocuments(events);
  const gold = item.gold_docs;
  const cited = [...new Set((run.result?.citations ?? []).map((c) => documentOf(c.source)))];
  const effects = proposedEffects(events, effectTools);
  const firstGold = ranked.findIndex((d) => gold.includes(d));
  return {
    id: item.id,
    kind: item.kind,
    question: item.question,
    status: run.status,
    ...(run.error ? { error: `${run.error.code}: ${run.error.message}` } : {}),
    answer,
    plan: (plan ?? []).map((s) => s.specialist),
    facts,
    right,
    declined,
    ...(gold.length > 0
      ? {
          retrieval: {
            documents: ranked.slice(0, 10),
            recallAt1: recallAt(ranked, gold, 1),
            recallAt5: recallAt(ranked, gold, 5),
            reciprocalRank: firstGold < 0 ? 0 : 1 / (firstGold + 1),
          },
        }
      : {}),
    searches: eventsOfType(events, "retrieval.done").map((e) => ({
      specialist: e.data.specialist,
      scope: e.data.scope ?? "own",
      strength: e.data.evidence.strength,
    })),
    cited,
    ...(gold.length > 0 && cited.length > 0 ? { citationPrecision: cited.filter((d) => gold.includes(d)).length / cited.length } : {}),
    effects,
    wrongEffects: item.kind === "action" ? 0 : effects.length,
    tokens: { input: run.usage?.inputTokens ?? 0, output: run.usage?.outputTokens ?? 0 },
    ms,
  };
}
