import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { emit, tenantOf } from "../events.ts";
import type { GraphDeps } from "../deps.ts";
import { holdsFor } from "../lessons.ts";
import { lessonsNamespace, runsNamespace } from "../memory.ts";
import type { GuildStateType, GuildUpdate } from "../state.ts";

/** How many lessons a run recalls. */
const LESSONS_RECALLED = 8;
/** How many the search looks at: more, so that lessons about other cases do not crowd out those that hold. */
const LESSONS_SEARCHED = LESSONS_RECALLED * 4;

/**
 * memory.recall: what reviewers taught and what similar earlier runs did, for this task; a lesson
 * about one case only when the task names that case.
 */
export function recallNode(deps: GraphDeps) {
  return async (state: GuildStateType, config: LangGraphRunnableConfig): Promise<GuildUpdate> => {
    const store = config.store;
    if (!store) return { lessons: [] };
    const [found, runs] = await Promise.all([
      store.search(lessonsNamespace(deps.pack.id, tenantOf(config)), { query: state.task, limit: LESSONS_SEARCHED }),
      store.search(runsNamespace(deps.pack.id, tenantOf(config)), { query: state.task, limit: 3 }),
    ]);
    const lessons = found.filter((i) => holdsFor(i.value, state.task)).slice(0, LESSONS_RECALLED);
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
