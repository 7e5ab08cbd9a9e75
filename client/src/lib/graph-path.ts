import type { ApprovalKind, RunEvent } from "../../../server/contract/index.ts";

/** Where a run is in its pack's graph: the node it is at (or paused in) and every node it went through. */
export interface GraphPath {
  current?: string;
  visited: string[];
}

const APPROVAL_NODE: Record<ApprovalKind, string> = { plan: "approval.plan", tool_call: "approval.tool_call", answer: "approval.answer" };

/** The graph node (as `addNode` names it) an event tells the run is in, if any. */
function nodeOf(event: RunEvent): string | undefined {
  switch (event.type) {
    case "memory.recalled":
      return "memory.recall";
    case "node.started":
      return event.data.node === "specialist" ? "specialist.start" : event.data.node;
    case "retrieval.done":
      return "specialist.retrieve";
    case "message":
      return event.data.node === "specialist" ? "specialist.reason" : undefined;
    case "tool.called":
    case "tool.result":
      return "tools";
    case "approval.requested":
      return APPROVAL_NODE[event.data.approval.kind];
    case "memory.saved":
      return "memory.save";
    case "run.completed":
    case "run.failed":
    case "run.cancelled":
      return "__end__";
    default:
      return undefined;
  }
}

/** The path a run took through its graph so far, from its events, for the live picture. */
export function graphPath(events: readonly RunEvent[]): GraphPath {
  const visited = new Set<string>(events.length > 0 ? ["__start__"] : []);
  let current: string | undefined;
  for (const event of events) {
    const node = nodeOf(event);
    if (!node) continue;
    visited.add(node);
    current = node;
  }
  return { ...(current ? { current } : {}), visited: [...visited] };
}
