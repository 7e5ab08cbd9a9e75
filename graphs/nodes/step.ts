import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import {
  assessEvidence,
  recordReferences,
  retrieveAdaptively,
  type Evidence,
  type Focus,
  type Retriever,
  type RetrievalResult,
} from "../../agents/knowledge/index.ts";
import { isQuestion, requestParts } from "../../agents/tools/index.ts";
import { sumUsage, type GuildModel, type StepEvidence, type Usage } from "../../agents/models/index.ts";
import { emit } from "../events.ts";
import { specialistOf, type GraphDeps } from "../deps.ts";
import { focusFor, holdsEveryDocument, packKnowledge } from "../evidence.ts";
import type { GuildStateType, GuildUpdate } from "../state.ts";
import { usageUpdate } from "../usage.ts";

/** How many passages a step reads. */
const PASSAGES_PER_STEP = 4;
/** How many passages each question of a several-question instruction adds. */
const PASSAGES_PER_PART = 2;

/** specialist.start: makes the next pending step of the plan the active one. */
export function startStepNode() {
  return (state: GuildStateType, config: LangGraphRunnableConfig): GuildUpdate => {
    const step = state.plan[state.cursor]!;
    emit(config, "node.started", { node: "specialist", specialist: step.specialist, stepId: step.id, instruction: step.instruction });
    return {
      plan: state.plan.map((s, i) => (i === state.cursor ? { ...s, status: "active" } : s)),
      step: {
        stepId: step.id,
        specialist: step.specialist,
        instruction: step.instruction,
        passages: [],
        history: [],
        pending: [],
        searches: [],
        turn: 0,
        responses: 0,
      },
    };
  };
}

const rounded = (n: number): number => Number(n.toFixed(3));

function retrievalEvent(
  specialist: string,
  query: string,
  result: RetrievalResult,
  evidence: Evidence,
  usage: Usage | undefined,
  extra: Record<string, unknown> = {},
) {
  return {
    specialist,
    query,
    attempts: result.attempts,
    reformulated: result.reformulated,
    passages: result.passages.map((p) => ({ id: p.id, source: p.source, excerpt: p.excerpt, score: rounded(p.score) })),
    evidence: { strength: rounded(evidence.strength), weak: evidence.weak, missing: evidence.missing },
    ...extra,
    ...(usage ? { usage } : {}),
  };
}

/** What one scoped search found: the specialist's own documents, or every document of the pack after a weak result. */
interface ScopedSearch {
  /** What the query is about, which its evidence was measured on. */
  focus: Focus;
  result: RetrievalResult;
  measured: Evidence;
  searched: readonly string[];
  fallback: boolean;
  usage: Usage | undefined;
}

/**
 * specialist.retrieve: searches the specialist's own documents, reformulating when results are
 * weak, and measures how well they answer the step. When its own evidence is weak, it searches
 * every document of the pack as well, and keeps that when it answers better (the event says so).
 * An instruction of several questions ("what is the payout, and how soon is it paid?") is also
 * searched question by question, so that each question brings its own passages: one search for the whole
 * finds what its most telling words are about, and only that.
 */
export function retrieveNode(deps: GraphDeps) {
  return async (state: GuildStateType, config: LangGraphRunnableConfig): Promise<GuildUpdate> => {
    const work = state.step!;
    const specialist = specialistOf(deps, work.specialist);
    const model: GuildModel = deps.modelFor(specialist.id);
    const search = async (retriever: Retriever, query: string, limit: number) => {
      let spent: Usage | undefined;
      const result = await retrieveAdaptively(retriever, query, {
        limit,
        reformulate: async (query) => {
          const reformulated = await model.reformulate(
            { query, task: state.task, glossary: deps.pack.glossary },
            { signal: config.signal },
          );
          spent = sumUsage(spent, reformulated.usage);
          return reformulated.query;
        },
      });
      return { result, spent };
    };
    // A further search (a letter template) looks for something else than the step's answer: its own documents hold it or nothing does.
    const widens = work.search === undefined && !holdsEveryDocument(deps.pack, specialist);
    const scoped = async (query: string, limit: number): Promise<ScopedSearch> => {
      const focus = focusFor(deps.pack, query);
      const own = await search(specialist.knowledge, query, limit);
      const measured = assessEvidence(focus, own.result.passages);
      emit(config, "retrieval.done", retrievalEvent(specialist.id, query, own.result, measured, own.spent));
      const found: ScopedSearch = {
        focus,
        result: own.result,
        measured,
        searched: specialist.documents,
        fallback: false,
        usage: own.spent,
      };
      if (!measured.weak || !widens) return found;
      const wide = await search(packKnowledge(deps.pack), query, limit);
      const wideMeasured = assessEvidence(focus, wide.result.passages);
      const kept = wideMeasured.strength > measured.strength;
      const reason = `${specialist.name}'s own documents answer weakly (${rounded(measured.strength)}): searched every document of the pack`;
      emit(
        config,
        "retrieval.done",
        retrievalEvent(specialist.id, query, wide.result, wideMeasured, wide.spent, { scope: "pack", fallback: { reason, kept } }),
      );
      const usage = sumUsage(own.spent, wide.spent);
      if (!kept) return { ...found, usage };
      return {
        focus,
        result: wide.result,
        measured: wideMeasured,
        searched: packKnowledge(deps.pack).documents.map((d) => d.name),
        fallback: true,
        usage,
      };
    };

    // The instruction alone first; a weak result is reformulated with the task and the glossary.
    const query = work.search ?? work.instruction;
    const whole = await scoped(query, PASSAGES_PER_STEP);
    // Only questions: the orders of a step ("work out the payout, pay it") are done by its tools, not looked up one by one.
    const questions = work.search === undefined ? requestParts(query).filter((part) => isQuestion(part.head)) : [];
    const searches = [whole];
    // One after the other, so that the events come in the order of the questions.
    if (questions.length > 1) for (const part of questions) searches.push(await scoped(part.text, PASSAGES_PER_PART));
    const usage = searches.reduce<Usage | undefined>((sum, s) => sumUsage(sum, s.usage), undefined);
    const evidence: StepEvidence | undefined =
      work.search === undefined
        ? {
            focus: whole.focus,
            strength: Math.max(...searches.map((s) => s.measured.strength)),
            // Answered when the whole or any one of its questions is.
            weak: searches.every((s) => s.measured.weak),
            missing: whole.measured.missing,
            searched: [...new Set(searches.flatMap((s) => s.searched))],
            fallback: searches.some((s) => s.fallback),
            references: recordReferences(query, packKnowledge(deps.pack).stats),
          }
        : work.evidence;
    const found = searches.flatMap((s) => s.result.passages);
    const passages = [...found, ...work.passages].filter((p, i, all) => all.findIndex((q) => q.id === p.id) === i);
    const searched = work.search === undefined ? work.searches : [...work.searches, work.search];
    const stepUsage = sumUsage(work.usage, usage);
    return {
      step: {
        ...work,
        passages,
        ...(evidence ? { evidence } : {}),
        search: undefined,
        searches: searched,
        ...(stepUsage ? { usage: stepUsage } : {}),
      },
      ...usageUpdate({ role: "specialist", id: specialist.id }, usage),
    };
  };
}
