import type { PlannedStep, SpecialistCard, ToolCard } from "../types.ts";
import { answerTypes, type Focus } from "../../knowledge/index.ts";
import { callable, checksKind, findByPattern, isQuestion, requestedEffects, returnsKind } from "../../tools/index.ts";
import { TEMPLATE_HINT, factKeysFor } from "./args.ts";

/** The first query tool of a specialist that returns a fact, and can be called for the task. */
function providerOf(specialist: SpecialistCard, fact: string, task: string): ToolCard | undefined {
  return specialist.tools.find((t) => t.kind === "query" && t.returns.includes(fact) && callable(t, [task], specialist.tools));
}

/**
 * The facts an effect a step orders needs from another specialist: for each required argument
 * that no identifier in the task gives, the fact it prefers (its first hint) when the step's own
 * specialist cannot look that fact up and another can. A hold's reason is the inspection's defect
 * summary; the quality manager, who places the hold, has no inspection records.
 */
function missingFacts(step: PlannedStep, specialists: readonly SpecialistCard[], task: string): { fact: string; effect: string }[] {
  const own = specialists.find((s) => s.id === step.specialist);
  if (!own) return [];
  const ordered = requestedEffects(step.instruction, own.tools);
  return own.tools
    .filter((t) => ordered.has(t.name))
    .flatMap((effect) =>
      Object.entries(effect.args)
        .filter(([, spec]) => !spec.optional && !(spec.pattern && findByPattern(spec.pattern, [step.instruction, task])))
        .map(([name, spec]) => ({ fact: factKeysFor(name, spec)[0]!, effect: effect.name }))
        .filter(({ fact }) => !fact.startsWith(TEMPLATE_HINT) && !providerOf(own, fact, task)),
    );
}

/** Whether a query tool of a specialist that can be called for the texts returns a field of a kind. */
function looksUpKind(specialist: SpecialistCard, kind: Focus["answer"], texts: readonly string[]): boolean {
  return specialist.tools.some((t) => t.kind === "query" && returnsKind(t, kind) && callable(t, texts, specialist.tools));
}

/**
 * A question about a record that asks for a kind of value its specialist's look-ups do not return
 * ("Who is the customer on CLM-1035, and when did they report it?": the investigator's claim
 * record has the date, not the name) is asked of another specialist too, one whose look-up does.
 */
function colleaguesFor(step: PlannedStep, specialists: readonly SpecialistCard[], task: string): SpecialistCard[] {
  const own = specialists.find((s) => s.id === step.specialist);
  const texts = [step.instruction, task];
  if (!own || !isQuestion(step.instruction)) return [];
  const named = own.tools.some((t) => Object.values(t.args).some((a) => a.pattern && findByPattern(a.pattern, texts)));
  if (!named) return [];
  return answerTypes(step.instruction)
    .filter((kind) => checksKind(kind) && !looksUpKind(own, kind, texts))
    .flatMap((kind) => specialists.find((s) => s.id !== own.id && looksUpKind(s, kind, texts)) ?? [])
    .filter((s, i, all) => all.indexOf(s) === i);
}

/**
 * A plan with the look-ups its actions need: before a step whose effect needs a fact only another
 * specialist can look up, a step for that specialist to look it up, unless one of its steps comes
 * earlier already (an order makes a specialist look up all it can on the task's records); after
 * a question about a record, a step for a colleague whose look-ups return the kind of value asked
 * for when the step's own do not.
 */
export function withLookups(steps: readonly PlannedStep[], specialists: readonly SpecialistCard[], task: string): PlannedStep[] {
  const planned: PlannedStep[] = [];
  for (const step of steps) {
    for (const { fact, effect } of missingFacts(step, specialists, task)) {
      const helper = specialists.find((s) => s.id !== step.specialist && providerOf(s, fact, task));
      if (!helper || planned.some((p) => p.specialist === helper.id)) continue;
      const tool = providerOf(helper, fact, task)!;
      planned.push({ specialist: helper.id, instruction: `Look up ${tool.name.replace(/_/g, " ")} for ${effect.replace(/_/g, " ")}` });
    }
    planned.push(step);
    for (const colleague of colleaguesFor(step, specialists, task))
      if (!steps.some((s) => s.specialist === colleague.id)) planned.push({ specialist: colleague.id, instruction: step.instruction });
  }
  return planned;
}
