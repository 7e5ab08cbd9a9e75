import type { Approval, RunEvent } from "./types.ts";

/** One effect of a run as its reviewers care about it: done (with what it returned), failed, or refused. */
export interface RunEffect {
  /** The call's id, or the approval's for an effect refused before it ran. */
  key: string;
  tool: string;
  title?: string | undefined;
  args: Record<string, unknown>;
  state: "done" | "failed" | "not done" | "running";
  /** What it returned, or why it is not done. */
  detail?: unknown;
}

/**
 * What a run did and did not do, from its events: each effect call with its result or error, and
 * each effect a reviewer rejected (or nobody decided) before it ran. In the order they happened.
 */
export function deriveEffects(events: readonly RunEvent[]): RunEffect[] {
  const outcomes = new Map<string, RunEffect>();
  const asked = new Map<string, Approval>();
  for (const event of events) {
    if (event.type === "approval.requested" && event.data.approval.kind === "tool_call")
      asked.set(event.data.approval.id, event.data.approval);
    else if (event.type === "approval.resolved" && (event.data.status === "rejected" || event.data.status === "expired")) {
      const d = event.data;
      const approval = asked.get(d.approvalId);
      if (!approval) continue;
      const message = d.decision?.type === "reject" ? d.decision.message : undefined;
      const why =
        d.status === "expired"
          ? "nobody decided in time"
          : `rejected${d.reviewer ? ` by ${d.reviewer}` : ""}${message ? `: ${message}` : ""}`;
      outcomes.set(approval.id, {
        key: approval.id,
        tool: approval.action.name,
        title: approval.title,
        args: approval.action.args,
        state: "not done",
        detail: why,
      });
    } else if (event.type === "tool.called" && event.data.kind === "effect") {
      const d = event.data;
      // The title as done: an edited call's, not the one first proposed.
      outcomes.set(d.callId, { key: d.callId, tool: d.tool, title: d.title, args: d.args, state: "running" });
    } else if (event.type === "tool.result" && outcomes.has(event.data.callId)) {
      const d = event.data;
      const called = outcomes.get(d.callId)!;
      outcomes.set(
        called.key,
        d.error !== undefined ? { ...called, state: "failed", detail: d.error } : { ...called, state: "done", detail: d.result },
      );
    }
  }
  return [...outcomes.values()];
}
