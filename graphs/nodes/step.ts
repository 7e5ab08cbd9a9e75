import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { retrieveAdaptively } from "../../agents/knowledge/index.ts";
import { sumUsage, type Usage } from "../../agents/models/index.ts";
import { emit } from "../events.ts";
import { specialistOf, type GraphDeps } from "../deps.ts";
import type { GuildStateType, GuildUpdate } from "../state.ts";
import { usageUpdate } from "../usage.ts";

/** specialist.start: makes the next pending step of the plan the active one. */
export function startStepNode() {
  return (state: GuildStateType, config: LangGraphRunnableConfig): GuildUpdate => {
    const step = state.plan[state.cursor]!;
    emit(config, "node.started", { node: "specialist", specialist: step.specialist, stepId: step.id, instruction: step.instruction });
    return {
      plan: state.plan.map((s, i) => (i === state.cursor ? { ...s, status: "active" } : s)),
      step: { stepId: step.id, specialist: step.specialist, instruction: step.instruction, passages: [], history: [], pending: [], searches: [], turn: 0, responses: 0 },
    };
  };
}

/** specialist.retrieve: searches the specialist's own documents, reformulating when results are weak. */
export function retrieveNode(deps: GraphDeps) {
  return async (state: GuildStateType, config: LangGraphRunnableConfig): Promise<GuildUpdate> => {
    const work = state.step!;
    const specialist = specialistOf(deps, work.specialist);
    const model = deps.modelFor(specialist.id);
    let usage: Usage | undefined;
    // The instruction alone first; a weak result is reformulated with the task and the glossary.
    const query = work.search ?? work.instruction;
    const result = await retrieveAdaptively(specialist.knowledge, query, {
      limit: 4,
      reformulate: async (query) => {
        const reformulated = await model.reformulate({ query, task: state.task, glossary: deps.pack.glossary }, { signal: config.signal });
        usage = sumUsage(usage, reformulated.usage);
        return reformulated.query;
      },
    });
    emit(config, "retrieval.done", {
      specialist: specialist.id,
      query,
      attempts: result.attempts,
      reformulated: result.reformulated,
      passages: result.passages.map((p) => ({ id: p.id, source: p.source, excerpt: p.excerpt, score: Number(p.score.toFixed(3)) })),
      ...(usage ? { usage } : {}),
    });
    const passages = [...result.passages, ...work.passages.filter((p) => !result.passages.some((q) => q.id === p.id))];
    const searches = work.search === undefined ? work.searches : [...work.searches, work.search];
    const stepUsage = sumUsage(work.usage, usage);
    return { step: { ...work, passages, search: undefined, searches, ...(stepUsage ? { usage: stepUsage } : {}) }, ...usageUpdate({ role: "specialist", id: specialist.id }, usage) };
  };
}
