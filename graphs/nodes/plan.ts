import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { specialistCard } from "../../agents/models/index.ts";
import { GuildError } from "../../agents/errors/index.ts";
import { emit } from "../events.ts";
import type { GraphDeps } from "../deps.ts";
import { planEvidence } from "../evidence.ts";
import type { GuildStateType, GuildUpdate, PlanStep } from "../state.ts";
import { usageUpdate } from "../usage.ts";

/** supervisor.plan: which specialists do what, in order; revised when a reviewer answers. */
export function planNode(deps: GraphDeps) {
  return async (state: GuildStateType, config: LangGraphRunnableConfig): Promise<GuildUpdate> => {
    emit(config, "node.started", { node: "supervisor.plan" });
    const revising = state.planFeedback !== undefined;
    // Route by evidence: what each specialist's own documents and tools hold for each part of the task.
    const evidence = await planEvidence(deps.pack, state.task);
    const { steps, usage } = await deps.supervisor.plan(
      {
        task: state.task,
        specialists: deps.pack.specialists.map(specialistCard),
        evidence,
        lessons: state.lessons,
        ...(revising
          ? { feedback: state.planFeedback, previous: state.plan.map(({ specialist, instruction }) => ({ specialist, instruction })) }
          : {}),
      },
      { signal: config.signal },
    );
    const known = new Set(deps.pack.specialists.map((s) => s.id));
    const unknown = steps.find((s) => !known.has(s.specialist));
    if (unknown) throw new GuildError("model_error", `the plan names an unknown specialist '${unknown.specialist}'`);
    if (steps.length === 0) throw new GuildError("model_error", "the supervisor proposed an empty plan");
    const revision = state.planRevision + 1;
    const plan: PlanStep[] = steps.map((s, i) => ({
      id: `r${revision}s${i + 1}`,
      specialist: s.specialist,
      instruction: s.instruction,
      status: "pending",
    }));
    emit(config, "plan.proposed", { revision, steps: plan, ...(usage ? { usage } : {}) });
    emit(config, "node.completed", { node: "supervisor.plan" });
    return { plan, planRevision: revision, planFeedback: undefined, cursor: 0, ...usageUpdate({ role: "supervisor" }, usage) };
  };
}
