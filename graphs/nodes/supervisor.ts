import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { GuildStateType, GuildUpdate } from "../state.ts";

/** supervisor.next: moves to the next step of the plan (the plan already holds any redirect). */
export function nextStepNode() {
  return (state: GuildStateType, _config: LangGraphRunnableConfig): GuildUpdate => ({ cursor: state.cursor + 1, step: undefined });
}

export function routeAfterNext(state: GuildStateType): "specialist.start" | "supervisor.answer" {
  return state.cursor < state.plan.length ? "specialist.start" : "supervisor.answer";
}
