import { createHash } from "node:crypto";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { emit, runIdOf } from "../events.ts";
import type { GraphDeps } from "../deps.ts";
import { lessonsNamespace, runsNamespace } from "../memory.ts";
import type { GuildStateType, GuildUpdate } from "../state.ts";

/** memory.save: what this run did and what reviewers taught; keyed so that a re-run overwrites. */
export function saveNode(deps: GraphDeps) {
  return async (state: GuildStateType, config: LangGraphRunnableConfig): Promise<GuildUpdate> => {
    const store = config.store;
    if (!store) return {};
    const runId = runIdOf(config);
    const done = state.reports.flatMap((r) => r.actions.filter((a) => a.status === "done").map((a) => a.name));
    const notDone = state.reports.flatMap((r) => r.actions.filter((a) => a.status === "rejected").map((a) => a.name));
    const outcome = state.planRejected !== undefined
      ? "the plan was rejected"
      : `specialists ${[...new Set(state.plan.map((s) => s.specialist))].join(", ")}; done: ${done.join(", ") || "nothing"}${notDone.length ? `; rejected: ${notDone.join(", ")}` : ""}`;
    const saved = [{ namespace: runsNamespace(deps.pack.id), key: runId }];
    await store.put(runsNamespace(deps.pack.id), runId, { task: state.task, outcome, at: new Date().toISOString() });
    for (const lesson of state.learned) {
      const key = createHash("sha256").update(`${runId}\u0000${lesson.text}`).digest("hex").slice(0, 20);
      await store.put(lessonsNamespace(deps.pack.id), key, { ...lesson, runId });
      saved.push({ namespace: lessonsNamespace(deps.pack.id), key });
    }
    emit(config, "memory.saved", { items: saved, lessons: state.learned.length });
    return {};
  };
}
