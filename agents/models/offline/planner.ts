import type { PartEvidence, PlannedStep, PlanRequest, SpecialistCard } from "../types.ts";
import { contentTerms, queryTerms } from "../../knowledge/index.ts";
import { isQuestion, requestClauses } from "../../tools/index.ts";
import { withLookups } from "./lookups.ts";

/** Below this score a clause is context for its neighbours, not work for a specialist of its own. */
const MIN_PART_SCORE = 0.5;
/**
 * How much a specialist's description counts. In a request ("check the cover, pay it") it says who
 * does what; in a question ("will you pay for it?") the documents say who knows, and the
 * description only breaks ties.
 */
const DESCRIBED = { request: 1, question: 0.25 };

/** The stems a specialist is known by: its description, name and its tools' names and descriptions. */
function vocabulary(specialist: SpecialistCard): Set<string> {
  const text = [specialist.name, specialist.description, ...specialist.tools.flatMap((t) => [t.name.replace(/_/g, " "), t.description])];
  return new Set(queryTerms(text.join(" ")));
}

/**
 * How well each specialist's description fits a text: the share of the text's stems it knows,
 * each weighted by how few specialists know it (a word every specialist knows counts for nothing).
 */
function describedFit(specialists: readonly SpecialistCard[]): (text: string) => Map<string, number> {
  const vocabularies = specialists.map((s) => ({ id: s.id, words: vocabulary(s) }));
  const frequency = new Map<string, number>();
  for (const { words } of vocabularies) for (const w of words) frequency.set(w, (frequency.get(w) ?? 0) + 1);
  const n = vocabularies.length;
  const weight = (w: string): number => (n < 2 ? 0 : Math.log(n / (frequency.get(w) ?? n)));
  return (text) => {
    const stems = [...contentTerms(text).keys()];
    const most = stems.length * Math.log(Math.max(n, 2));
    return new Map(
      vocabularies.map(({ id, words }) => [id, most === 0 ? 0 : stems.reduce((sum, s) => sum + (words.has(s) ? weight(s) : 0), 0) / most]),
    );
  };
}

/** Each specialist's score for one part: its documents' evidence, its best tool's fit and its description's fit. */
/** An effect a part orders ("pay it") outweighs a look-up that only shares its words (a list of what was paid). */
const ORDERED_EFFECT = 1.5;

function partScores(
  evidence: PartEvidence | undefined,
  described: Map<string, number>,
  weight: number,
  effects: ReadonlySet<string>,
): Map<string, number> {
  const scores = new Map([...described].map(([id, fit]) => [id, fit * weight]));
  for (const e of evidence?.specialists ?? []) {
    const tools = Math.max(0, ...e.tools.map((t) => t.fit * (effects.has(t.name) ? ORDERED_EFFECT : 1)));
    scores.set(e.specialist, (scores.get(e.specialist) ?? 0) + e.knowledge + tools);
  }
  return scores;
}

function best(scores: ReadonlyMap<string, number>): { id: string; score: number } | undefined {
  let top: { id: string; score: number } | undefined;
  for (const [id, score] of scores) if (!top || score > top.score) top = { id, score };
  return top;
}

/**
 * Plans deterministically, by evidence: each clause of the task goes to the specialist whose own
 * documents cover it best and whose tools fit it (with what its description says as a tie-breaker);
 * a clause nobody has evidence for is context, and goes with the next step (or the last one).
 * Neighbouring clauses for the same specialist form one step. A re-plan assigns the reviewer's
 * feedback the same way, by description.
 */
export function planOffline(request: PlanRequest): PlannedStep[] {
  const fit = describedFit(request.specialists);
  const effects = new Set(request.specialists.flatMap((s) => s.tools.filter((t) => t.kind === "effect").map((t) => t.name)));
  const weight = isQuestion(request.task) ? DESCRIBED.question : DESCRIBED.request;

  const assign = (text: string, evidence?: readonly PartEvidence[]): PlannedStep[] => {
    const steps: PlannedStep[] = [];
    let context: string[] = [];
    const parts = evidence?.map((e) => e.part) ?? requestClauses(text);
    parts.forEach((part, i) => {
      // Who a part is for, by description, is read from what it asks or orders, not from its story.
      const top = best(partScores(evidence?.[i], fit(evidence?.[i]?.head ?? part), evidence ? weight : DESCRIBED.request, effects));
      if (!top || top.score < MIN_PART_SCORE) {
        context.push(part);
        return;
      }
      const last = steps.at(-1);
      const instruction = [...context, part].map((c, j) => (j === 0 ? c : lowerFirst(c))).join(", ");
      context = [];
      if (last && last.specialist === top.id) last.instruction = `${last.instruction}, ${lowerFirst(instruction)}`;
      else steps.push({ specialist: top.id, instruction });
    });
    const last = steps.at(-1);
    if (last && context.length > 0) last.instruction = `${last.instruction}, ${context.map(lowerFirst).join(", ")}`;
    return steps;
  };

  // An action that needs another specialist's facts gets a look-up step before it (a re-plan keeps the reviewed steps).
  const steps = request.previous
    ? request.previous.map((s) => ({ ...s }))
    : withLookups(assign(request.task, request.evidence), request.specialists, request.task);
  if (request.feedback) {
    for (const extra of assign(request.feedback)) {
      if (!steps.some((s) => s.specialist === extra.specialist)) steps.push(extra);
    }
  }
  if (steps.length === 0 && request.specialists.length > 0) {
    // Nobody stands out for any part: the specialist with the most evidence for the whole task.
    const totals = new Map<string, number>();
    for (const e of request.evidence ?? [{ part: request.task, specialists: [] }]) {
      for (const [id, score] of partScores(e, fit(e.head ?? e.part), weight, effects)) totals.set(id, (totals.get(id) ?? 0) + score);
    }
    const chosen = best(totals)?.id ?? request.specialists[0]!.id;
    steps.push({ specialist: chosen, instruction: request.task });
  }
  return steps.map((s) => ({ ...s, instruction: capitalise(s.instruction) }));
}

/** "Check the cover" continues a sentence as "check the cover"; "CLM-1001 ..." stays as it is. */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
