import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { GraphEventData, GraphEventType } from "./vocabulary.ts";

/** A durable event a node reports, typed by its event type. */
export type GraphRunEvent = { [T in GraphEventType]: { kind: "event"; type: T; data: GraphEventData[T] } }[GraphEventType];

/** Progress a node reports while it works; the runtime numbers and stores the durable ones. */
export type GraphEvent = GraphRunEvent | { kind: "token"; node: string; specialist?: string; delta: string };

/** Reports a durable event (the runtime appends it to the run's event log). */
export function emit<T extends GraphEventType>(config: LangGraphRunnableConfig, type: T, data: GraphEventData[T]): void {
  config.writer?.({ kind: "event", type, data } as GraphRunEvent);
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
