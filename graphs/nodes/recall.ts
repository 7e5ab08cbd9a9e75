import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { emit, tenantOf } from "../events.ts";
import type { GraphDeps } from "../deps.ts";
import { lessonsNamespace, runsNamespace } from "../memory.ts";
import type { GuildStateType, GuildUpdate } from "../state.ts";

/** memory.recall: what reviewers taught and what similar earlier runs did, for this task. */
export function recallNode(deps: GraphDeps) {
  return async (state: GuildStateType, config: LangGraphRunnableConfig): Promise<GuildUpdate> => {
    const store = config.store;
    if (!store) return { lessons: [] };
    const [lessons, runs] = await Promise.all([
      store.search(lessonsNamespace(deps.pack.id, tenantOf(config)), { query: state.task, limit: 8 }),
      store.search(runsNamespace(deps.pack.id, tenantOf(config)), { query: state.task, limit: 3 }),
    ]);
    const lessonItems = lessons.map((i) => ({
      namespace: i.namespace,
      key: i.key,
      kind: "lesson" as const,
      text: String(i.value.text),
      specialist: String(i.value.specialist),
      ...(i.value.tool ? { tool: String(i.value.tool) } : {}),
    }));
    const items = [
      ...lessonItems,
      ...runs.map((i) => ({
        namespace: i.namespace,
        key: i.key,
        kind: "run" as const,
        text: `An earlier run did "${String(i.value.task)}": ${String(i.value.outcome)}`,
      })),
    ];
    emit(config, "memory.recalled", { items, count: items.length });
    // The supervisor plans with everything recalled; each specialist's prompt gets the lessons taught to it.
    const specialistLessons: Record<string, string[]> = {};
    for (const item of lessonItems) (specialistLessons[item.specialist] ??= []).push(item.text);
    return { lessons: items.map((i) => i.text), specialistLessons };
  };
}
