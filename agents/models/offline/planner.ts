import type { PlannedStep, PlanRequest, SpecialistCard } from "../types.ts";
import { queryTerms } from "../../knowledge/index.ts";
import { requestClauses } from "../../tools/index.ts";

/** The stems a specialist is known by: its description, name and its tools' names and descriptions. */
function vocabulary(specialist: SpecialistCard): Set<string> {
  const text = [specialist.name, specialist.description, ...specialist.tools.flatMap((t) => [t.name.replace(/_/g, " "), t.description])];
  return new Set(queryTerms(text.join(" ")));
}

/**
 * Plans deterministically: each clause of the task goes to the specialist whose vocabulary shares
 * the most distinctive words with it (words every specialist knows count for nothing); clauses that
 * match nobody are context. Neighbouring clauses for the same specialist form one step.
 */
export function planOffline(request: PlanRequest): PlannedStep[] {
  const vocabularies = request.specialists.map((s) => ({ specialist: s, words: vocabulary(s) }));
  const documentFrequency = new Map<string, number>();
  for (const { words } of vocabularies) for (const w of words) documentFrequency.set(w, (documentFrequency.get(w) ?? 0) + 1);
  const weight = (w: string): number => Math.log(vocabularies.length / (documentFrequency.get(w) ?? vocabularies.length));

  const assign = (text: string): PlannedStep[] => {
    const steps: PlannedStep[] = [];
    // Clauses that match nobody are context ("My kitchen flooded on claim CLM-1001"): they go
    // with the next step, or the last one when nothing follows.
    let context: string[] = [];
    for (const clause of requestClauses(text)) {
      const stems = new Set(queryTerms(clause));
      let best: { id: string; score: number } | undefined;
      for (const { specialist, words } of vocabularies) {
        let score = 0;
        for (const s of stems) if (words.has(s)) score += weight(s);
        if (score > 0 && (!best || score > best.score)) best = { id: specialist.id, score };
      }
      if (!best) {
        context.push(clause);
        continue;
      }
      const last = steps.at(-1);
      const instruction = [...context, clause].map((c, i) => (i === 0 ? c : lowerFirst(c))).join(", ");
      context = [];
      if (last && last.specialist === best.id) last.instruction = `${last.instruction}, ${lowerFirst(instruction)}`;
      else steps.push({ specialist: best.id, instruction });
    }
    const last = steps.at(-1);
    if (last && context.length > 0) last.instruction = `${last.instruction}, ${context.map(lowerFirst).join(", ")}`;
    return steps;
  };

  const steps = request.previous ? request.previous.map((s) => ({ ...s })) : assign(request.task);
  if (request.feedback) {
    for (const extra of assign(request.feedback)) {
      if (!steps.some((s) => s.specialist === extra.specialist)) steps.push(extra);
    }
  }
  if (steps.length === 0 && request.specialists[0]) {
    steps.push({ specialist: request.specialists[0].id, instruction: request.task });
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
