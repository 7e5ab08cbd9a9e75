import { describe, expect, it } from "vitest";
import { arrangeInbox } from "../../client/src/lib/inbox-order.ts";
import type { Approval } from "../../server/contract/index.ts";

const approval = (id: string, extra: Partial<Approval>): Approval => ({
  id,
  runId: "run_a",
  kind: "tool_call",
  status: "pending",
  description: id,
  action: { name: "issue_payment", args: {} },
  allowed: { approve: true, edit: true, reject: true, respond: true, redirect: true },
  createdAt: "2026-11-29T10:00:00.000Z",
  ...extra,
});

const approvals = [
  approval("old-no-deadline", { createdAt: "2026-11-29T08:00:00.000Z" }),
  approval("late-deadline", { expiresAt: "2026-11-30T12:00:00.000Z" }),
  approval("risky-late", { highRisk: "over the limit", expiresAt: "2026-11-30T12:00:00.000Z", runId: "run_b" }),
  approval("soon-deadline", { expiresAt: "2026-11-29T12:00:00.000Z", runId: "run_b" }),
  approval("risky-soon", { highRisk: "flagged customer", expiresAt: "2026-11-29T11:00:00.000Z" }),
  approval("new-no-deadline", { createdAt: "2026-11-29T09:00:00.000Z" }),
];
const packOf = (a: Approval) => (a.runId === "run_b" ? "manufacturing-qc" : "insurance-claims");

describe("the inbox's order and filters", () => {
  it("puts high risk first, then the nearest deadline, then the oldest", () => {
    expect(arrangeInbox(approvals, {}, packOf).map((a) => a.id)).toEqual([
      "risky-soon",
      "risky-late",
      "soon-deadline",
      "late-deadline",
      "old-no-deadline",
      "new-no-deadline",
    ]);
  });

  it("keeps only the pack, run and risk asked for", () => {
    expect(arrangeInbox(approvals, { pack: "manufacturing-qc" }, packOf).map((a) => a.id)).toEqual(["risky-late", "soon-deadline"]);
    expect(arrangeInbox(approvals, { runId: "run_a", risk: "high" }, packOf).map((a) => a.id)).toEqual(["risky-soon"]);
    expect(arrangeInbox(approvals, { risk: "normal" }, packOf)).toHaveLength(4);
  });
});
