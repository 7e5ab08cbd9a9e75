import type { Approval, RunEvent } from "../../../server/contract/index.ts";

/** One effect of a run as its reviewers care about it: done (with what it returned), failed, or refused. */
export interface EffectOutcome {
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
export function deriveEffects(events: readonly RunEvent[]): EffectOutcome[] {
  const outcomes = new Map<string, EffectOutcome>();
  const asked = new Map<string, Approval>();
  for (const event of events) {
    const d = event.data as Record<string, any>;
    if (event.type === "approval.requested" && d.approval?.kind === "tool_call") asked.set(d.approval.id, d.approval as Approval);
    else if (event.type === "approval.resolved" && (d.status === "rejected" || d.status === "expired")) {
      const approval = asked.get(String(d.approvalId));
      if (!approval) continue;
      const why = d.status === "expired" ? "nobody decided in time" : `rejected${d.reviewer ? ` by ${d.reviewer}` : ""}${d.decision?.message ? `: ${d.decision.message}` : ""}`;
      outcomes.set(approval.id, { key: approval.id, tool: approval.action.name, title: approval.title, args: approval.action.args, state: "not done", detail: why });
    } else if (event.type === "tool.called" && d.kind === "effect") {
      // The title as done: an edited call's, not the one first proposed.
      outcomes.set(String(d.callId), { key: String(d.callId), tool: String(d.tool), title: d.title as string | undefined, args: (d.args ?? {}) as Record<string, unknown>, state: "running" });
    } else if (event.type === "tool.result" && outcomes.has(String(d.callId))) {
      const called = outcomes.get(String(d.callId))!;
      outcomes.set(called.key, d.error !== undefined ? { ...called, state: "failed", detail: d.error } : { ...called, state: "done", detail: d.result });
    }
  }
  return [...outcomes.values()];
}
