import { createHash } from "node:crypto";
import type { BaseStore } from "@langchain/langgraph-checkpoint";
import type { Lesson } from "./state.ts";

/** Long-term memory namespaces: lessons reviewers taught, and summaries of finished runs. */
export const lessonsNamespace = (packId: string): string[] => ["guild", packId, "lessons"];
export const runsNamespace = (packId: string): string[] => ["guild", packId, "runs"];

/**
 * Saves what reviewers taught a run, keyed by run and text, so that saving again (a re-run node,
 * a run that ends early and is saved by the runtime) overwrites instead of repeating.
 */
export async function saveLessons(store: BaseStore, packId: string, runId: string, lessons: readonly Lesson[]): Promise<{ namespace: string[]; key: string }[]> {
  const saved: { namespace: string[]; key: string }[] = [];
  for (const lesson of lessons) {
    const key = createHash("sha256").update(`${runId}\u0000${lesson.text}`).digest("hex").slice(0, 20);
    await store.put(lessonsNamespace(packId), key, { ...lesson, runId });
    saved.push({ namespace: lessonsNamespace(packId), key });
  }
  return saved;
}
