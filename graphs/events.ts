import type { LangGraphRunnableConfig } from "@langchain/langgraph";

/** Progress a node reports while it works; the runtime numbers and stores the durable ones. */
export type GraphEvent =
  | { kind: "event"; type: string; data: Record<string, unknown> }
  | { kind: "token"; node: string; specialist?: string; delta: string };

/** Reports a durable event (the runtime appends it to the run's event log). */
export function emit(config: LangGraphRunnableConfig, type: string, data: Record<string, unknown>): void {
  config.writer?.({ kind: "event", type, data } satisfies GraphEvent);
}

/** Reports a token delta: live only, never stored. */
export function emitToken(config: LangGraphRunnableConfig, node: string, delta: string, specialist?: string): void {
  config.writer?.({ kind: "token", node, delta, ...(specialist ? { specialist } : {}) } satisfies GraphEvent);
}

/** The tenant whose run this is (`configurable.tenant`); undefined: the default tenant. */
export function tenantOf(config: LangGraphRunnableConfig): string | undefined {
  const tenant = config.configurable?.tenant;
  return typeof tenant === "string" ? tenant : undefined;
}

/** The run id of the graph invocation: the checkpointer's thread id. */
export function runIdOf(config: LangGraphRunnableConfig): string {
  const id = config.configurable?.thread_id;
  if (typeof id !== "string") throw new Error("the graph needs configurable.thread_id (the run id)");
  return id;
}
