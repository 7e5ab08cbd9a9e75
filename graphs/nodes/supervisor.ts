import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { specialistCard } from "../../agents/models/index.ts";
import { emit } from "../events.ts";
import type { GraphDeps } from "../deps.ts";
import type { GuildStateType, GuildUpdate, PlanStep } from "../state.ts";
import { usageUpdate } from "../usage.ts";

/**
 * supervisor.next: moves to the next step of the plan. After a reviewer redirected a step, the
 * supervisor first re-plans what follows the redirected step, with the reviewer's message: the
 * step handed over stays as the reviewer asked, the rest may change.
 */
export function nextStepNode(deps: GraphDeps) {
  return async (state: GuildStateType, config: LangGraphRunnableConfig): Promise<GuildUpdate> => {
    const next = { cursor: state.cursor + 1, step: undefined, replan: undefined };
    if (state.replan === undefined) return next;
    const handedOver = state.plan[state.cursor + 1]!;
    const rest = state.plan.slice(state.cursor + 1);
    emit(config, "node.started", { node: "supervisor.plan", reason: "redirect" });
    const { steps, usage } = await deps.supervisor.plan(
      {
        task: state.task,
        specialists: deps.pack.specialists.map(specialistCard),
        lessons: state.lessons,
        feedback: state.replan,
        previous: rest.map(({ specialist, instruction }) => ({ specialist, instruction })),
        done: state.plan.slice(0, state.cursor + 1).map(({ specialist, instruction }) => ({ specialist, instruction })),
      },
      { signal: config.signal },
    );
    const known = new Set(deps.pack.specialists.map((s) => s.id));
    // The handed-over step is kept once, as asked; a model that drops, repeats or invents steps changes nothing else.
    const same = steps.findIndex((s) => s.specialist === handedOver.specialist && s.instruction === handedOver.instruction);
    const after = steps.filter((s, i) => i !== same && known.has(s.specialist));
    const revision = state.planRevision + 1;
    const plan: PlanStep[] = [
      ...state.plan.slice(0, state.cursor + 1),
      handedOver,
      ...after.map((s, i) => ({
        id: `r${revision}s${i + 1}`,
        specialist: s.specialist,
        instruction: s.instruction,
        status: "pending" as const,
      })),
    ];
    emit(config, "plan.proposed", { revision, reason: "redirect", steps: plan, ...(usage ? { usage } : {}) });
    emit(config, "node.completed", { node: "supervisor.plan", reason: "redirect" });
    return { ...next, plan, planRevision: revision, ...usageUpdate({ role: "supervisor" }, usage) };
  };
}

export function routeAfterNext(state: GuildStateType): "specialist.start" | "supervisor.answer" {
  return state.cursor < state.plan.length ? "specialist.start" : "supervisor.answer";
}
