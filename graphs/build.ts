import { END, START, StateGraph } from "@langchain/langgraph";
import type { BaseCheckpointSaver, BaseStore } from "@langchain/langgraph-checkpoint";
import type { GraphDeps } from "./deps.ts";
import { afterPlanApproval, approvePlanNode } from "./nodes/approve-plan.ts";
import { approveCallNode } from "./nodes/approve-call.ts";
import { answerNode } from "./nodes/answer.ts";
import { afterAnswerApproval, approveAnswerNode, routeAfterAnswer } from "./nodes/approve-answer.ts";
import { planNode } from "./nodes/plan.ts";
import { reasonNode, routeAfterReason } from "./nodes/reason.ts";
import { recallNode } from "./nodes/recall.ts";
import { saveNode } from "./nodes/save.ts";
import { retrieveNode, startStepNode } from "./nodes/step.ts";
import { nextStepNode, routeAfterNext } from "./nodes/supervisor.ts";
import { routeAfterTools, toolsNode } from "./nodes/tools.ts";
import { GuildState } from "./state.ts";

export interface CompileOptions {
  checkpointer: BaseCheckpointSaver;
  store: BaseStore;
}

/**
 * Builds and compiles the state machine of a pack:
 * memory.recall -> supervisor.plan -> [approval.plan] -> specialist steps
 * (start -> retrieve -> reason -> [approval.tool_call] -> tools -> reason ...) -> supervisor.next
 * -> ... -> supervisor.answer -> [approval.answer] -> memory.save.
 */
export function buildGuildGraph(deps: GraphDeps, options: CompileOptions) {
  const graph = new StateGraph(GuildState)
    .addNode("memory.recall", recallNode(deps))
    .addNode("supervisor.plan", planNode(deps))
    .addNode("approval.plan", approvePlanNode(deps))
    .addNode("specialist.start", startStepNode())
    .addNode("specialist.retrieve", retrieveNode(deps))
    .addNode("specialist.reason", reasonNode(deps))
    .addNode("approval.tool_call", approveCallNode(deps))
    .addNode("tools", toolsNode(deps))
    .addNode("supervisor.next", nextStepNode(deps))
    .addNode("supervisor.answer", answerNode(deps))
    .addNode("approval.answer", approveAnswerNode(deps))
    .addNode("memory.save", saveNode(deps))
    .addEdge(START, "memory.recall")
    .addEdge("memory.recall", "supervisor.plan")
    .addConditionalEdges("supervisor.plan", (s) => (s.planApproval ? "approval.plan" : "specialist.start"), [
      "approval.plan",
      "specialist.start",
    ])
    .addConditionalEdges("approval.plan", afterPlanApproval, ["supervisor.plan", "specialist.start", "supervisor.answer"])
    .addEdge("specialist.start", "specialist.retrieve")
    .addEdge("specialist.retrieve", "specialist.reason")
    .addConditionalEdges("specialist.reason", routeAfterReason(deps), [
      "supervisor.next",
      "tools",
      "approval.tool_call",
      "specialist.retrieve",
    ])
    .addEdge("approval.tool_call", "tools")
    .addConditionalEdges("tools", routeAfterTools, ["specialist.reason", "supervisor.next", "approval.tool_call"])
    .addConditionalEdges("supervisor.next", routeAfterNext, ["specialist.start", "supervisor.answer"])
    .addConditionalEdges("supervisor.answer", routeAfterAnswer(deps), ["approval.answer", "memory.save"])
    .addConditionalEdges("approval.answer", afterAnswerApproval, ["memory.save", "supervisor.answer", "specialist.start"])
    .addEdge("memory.save", END);
  return graph.compile({ checkpointer: options.checkpointer, store: options.store });
}

export type GuildGraph = ReturnType<typeof buildGuildGraph>;
