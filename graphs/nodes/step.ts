import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import {
  assessEvidence,
  recordReferences,
  retrieveAdaptively,
  type Evidence,
  type Retriever,
  type RetrievalResult,
} from "../../agents/knowledge/index.ts";
import { sumUsage, type GuildModel, type StepEvidence, type Usage } from "../../agents/models/index.ts";
import { emit } from "../events.ts";
import { specialistOf, type GraphDeps } from "../deps.ts";
import { focusFor, holdsEveryDocument, packKnowledge } from "../evidence.ts";
import type { GuildStateType, GuildUpdate } from "../state.ts";
import { usageUpdate } from "../usage.ts";

/** How many passages a step reads. */
const PASSAGES_PER_STEP = 4;

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

/**
 * specialist.retrieve: searches the specialist's own documents, reformulating when results are
 * weak, and measures how well they answer the step. When its own evidence is weak, it searches
 * every document of the pack as well, and keeps that when it answers better (the event says so).
 */
export function retrieveNode(deps: GraphDeps) {
  return async (state: GuildStateType, config: LangGraphRunnableConfig): Promise<GuildUpdate> => {
    const work = state.step!;
    const specialist = specialistOf(deps, work.specialist);
    const model: GuildModel = deps.modelFor(specialist.id);
    // The instruction alone first; a weak result is reformulated with the task and the glossary.
    const query = work.search ?? work.instruction;
    const search = async (retriever: Retriever) => {
      let spent: Usage | undefined;
      const result = await retrieveAdaptively(retriever, query, {
        limit: PASSAGES_PER_STEP,
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
    const focus = focusFor(deps.pack, query);
    const own = await search(specialist.knowledge);
    let { result } = own;
    let usage = own.spent;
    let measured = assessEvidence(focus, result.passages);
    emit(config, "retrieval.done", retrievalEvent(specialist.id, query, result, measured, own.spent));

    let searched = specialist.documents;
    let fallback = false;
    // A further search (a letter template) looks for something else than the step's answer: its own documents hold it or nothing does.
    if (measured.weak && work.search === undefined && !holdsEveryDocument(deps.pack, specialist)) {
      const wide = await search(packKnowledge(deps.pack));
      usage = sumUsage(usage, wide.spent);
      const wideMeasured = assessEvidence(focus, wide.result.passages);
      const kept = wideMeasured.strength > measured.strength;
      const reason = `${specialist.name}'s own documents answer weakly (${rounded(measured.strength)}): searched every document of the pack`;
      emit(
        config,
        "retrieval.done",
        retrievalEvent(specialist.id, query, wide.result, wideMeasured, wide.spent, { scope: "pack", fallback: { reason, kept } }),
      );
      if (kept) {
        result = wide.result;
        measured = wideMeasured;
        searched = packKnowledge(deps.pack).documents.map((d) => d.name);
        fallback = true;
      }
    }

    const evidence: StepEvidence | undefined =
      work.search === undefined
        ? {
            focus,
            strength: measured.strength,
            weak: measured.weak,
            missing: measured.missing,
            searched,
            fallback,
            references: recordReferences(query, packKnowledge(deps.pack).stats),
          }
        : work.evidence;
    const passages = [...result.passages, ...work.passages.filter((p) => !result.passages.some((q) => q.id === p.id))];
    const searches = work.search === undefined ? work.searches : [...work.searches, work.search];
    const stepUsage = sumUsage(work.usage, usage);
    return {
      step: {
        ...work,
        passages,
        ...(evidence ? { evidence } : {}),
        search: undefined,
        searches,
        ...(stepUsage ? { usage: stepUsage } : {}),
      },
      ...usageUpdate({ role: "specialist", id: specialist.id }, usage),
    };
  };
}
