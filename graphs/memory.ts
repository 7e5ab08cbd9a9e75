import { createHash } from "node:crypto";
import type { BaseStore } from "@langchain/langgraph-checkpoint";
import type { TaughtLesson } from "./state.ts";

/**
 * Long-term memory namespaces: lessons reviewers taught, and summaries of finished runs, each
 * tenant's apart. The default tenant keeps the namespaces of before tenants; another's begin with
 * `@tenant`, which no pack id does, so that no search of one tenant's prefix finds another's.
 */
const scope = (tenant: string | undefined): string[] =>
  tenant === undefined || tenant === DEFAULT_TENANT ? ["guild"] : ["guild", `@${tenant}`];
export const lessonsNamespace = (packId: string, tenant?: string): string[] => [...scope(tenant), packId, "lessons"];
export const runsNamespace = (packId: string, tenant?: string): string[] => [...scope(tenant), packId, "runs"];

/** The tenant of data from before tenants, and of runs started without one. */
export const DEFAULT_TENANT = "default";

/**
 * Saves what reviewers taught a run, keyed by run and text, so that saving again (a re-run node,
 * a run that ends early and is saved by the runtime) overwrites instead of repeating.
 */
export async function saveLessons(
  store: BaseStore,
  packId: string,
  runId: string,
  lessons: readonly TaughtLesson[],
  tenant?: string,
): Promise<{ namespace: string[]; key: string }[]> {
  const saved: { namespace: string[]; key: string }[] = [];
  for (const lesson of lessons) {
    const key = createHash("sha256").update(`${runId}\u0000${lesson.text}`).digest("hex").slice(0, 20);
    await store.put(lessonsNamespace(packId, tenant), key, { ...lesson, runId });
    saved.push({ namespace: lessonsNamespace(packId, tenant), key });
  }
  return saved;
}
