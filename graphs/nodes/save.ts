import { Overwrite, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { emit, runIdOf, tenantOf } from "../events.ts";
import type { GraphDeps } from "../deps.ts";
import { saveLessons } from "../lessons.ts";
import { runsNamespace } from "../memory.ts";
import type { GuildStateType, GuildUpdate } from "../state.ts";

/** memory.save: what this run did and what reviewers taught; keyed so that a re-run overwrites. */
export function saveNode(deps: GraphDeps) {
  return async (state: GuildStateType, config: LangGraphRunnableConfig): Promise<GuildUpdate> => {
    const store = config.store;
    if (!store) return {};
    const runId = runIdOf(config);
    const tenant = tenantOf(config);
    const done = state.reports.flatMap((r) => r.actions.filter((a) => a.status === "done").map((a) => a.name));
    const notDone = state.reports.flatMap((r) => r.actions.filter((a) => a.status === "rejected").map((a) => a.name));
    const outcome =
      state.planRejected !== undefined
        ? "the plan was rejected"
        : `specialists ${[...new Set(state.plan.map((s) => s.specialist))].join(", ")}; done: ${done.join(", ") || "nothing"}${notDone.length ? `; rejected: ${notDone.join(", ")}` : ""}`;
    await store.put(runsNamespace(deps.pack.id, tenant), runId, { task: state.task, outcome, at: new Date().toISOString() });
    const saved = [
      { namespace: runsNamespace(deps.pack.id, tenant), key: runId },
      ...(await saveLessons(store, deps.pack.id, runId, state.learned, tenant)),
    ];
    emit(config, "memory.saved", { items: saved, lessons: state.learned.length });
    // The run is over: its last checkpoint keeps the answer, the plan and the usage, not the
    // passages, results and decisions of every step (the event log has them, for the view and replay).
    return {
      step: undefined,
      reports: new Overwrite([]),
      facts: new Overwrite({}),
      decisions: new Overwrite({}),
      learned: new Overwrite([]),
      lessons: [],
      specialistLessons: undefined,
    };
  };
}
