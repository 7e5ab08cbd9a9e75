import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { emit, emitToken } from "../events.ts";
import type { GraphDeps } from "../deps.ts";
import type { GuildStateType, GuildUpdate } from "../state.ts";
import { usageUpdate } from "../usage.ts";

/** supervisor.answer: the final answer from the steps' reports, with the passages they cited. */
export function answerNode(deps: GraphDeps) {
  return async (state: GuildStateType, config: LangGraphRunnableConfig): Promise<GuildUpdate> => {
    emit(config, "node.started", { node: "supervisor.answer" });
    const notDone =
      state.planRejected !== undefined
        ? [`The plan was rejected by the reviewer${state.planRejected ? `: "${state.planRejected}"` : ""}; no step was carried out.`]
        : [];
    const { answer, usage } = await deps.supervisor.synthesize(
      { task: state.task, steps: state.reports, notDone, ...(state.answerFeedback.length ? { feedback: state.answerFeedback } : {}) },
      { signal: config.signal, onToken: (delta) => emitToken(config, "supervisor.answer", delta) },
    );
    const citations = [...new Map(state.reports.flatMap((r) => r.citations).map((c) => [c.source, c])).values()];
    emit(config, "message", { node: "supervisor.answer", text: answer, citations, ...(usage ? { usage } : {}) });
    emit(config, "node.completed", { node: "supervisor.answer" });
    return { result: { answer, citations }, ...usageUpdate({ role: "supervisor" }, usage) };
  };
}
