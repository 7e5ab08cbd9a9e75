import { afterAll, describe, expect, it } from "vitest";
import type { Ack, Approval, AuditEntry, Run, RunEvent } from "../../server/contract/index.ts";
import { packVariant } from "../support/pack-variant.ts";
import { DEMO_TASK, effectsOf } from "../support/runtime.ts";
import { call, pendingOf, useServer } from "../support/server.ts";

// The real pack with one policy changed: every final answer needs a reviewer.
const variant = packVariant((manifest) => {
  manifest.policy.answerApproval = true;
});
afterAll(() => variant.remove());
const t = useServer({ runtime: { packDirs: [variant.root] } });

/** Starts the demo and approves its tool calls until the final answer waits for a reviewer. */
async function untilAnswer(runId?: string): Promise<{ runId: string; approval: Approval }> {
  const id = runId ?? (await t.api<{ run: Run }>("POST", "/api/runs", { task: DEMO_TASK })).body.run.id;
  for (;;) {
    const { status, approvals } = await pendingOf(t, id);
    if (status !== "awaiting_approval") throw new Error(`run ended ${status} before its answer was asked`);
    const answer = approvals.find((a) => a.kind === "answer");
    if (answer) return { runId: id, approval: answer };
    for (const a of approvals)
      expect((await t.api("POST", `/api/approvals/${a.id}/decision`, { type: "approve", reviewer: "Ada" })).status).toBe(200);
  }
}

const decide = (approval: Approval, decision: unknown) => t.api("POST", `/api/approvals/${approval.id}/decision`, decision);
const runOf = async (runId: string) => (await t.api<{ run: Run }>("GET", `/api/runs/${runId}`)).body.run;
const eventsOf = async (runId: string) => (await t.api<{ events: RunEvent[] }>("GET", `/api/runs/${runId}/events`)).body.events;

describe("final-answer approval (pack policy answerApproval)", () => {
  it("holds the answer until a reviewer approves it; the audit trail lists every decision", async () => {
    const { runId, approval } = await untilAnswer();
    expect(approval).toMatchObject({
      kind: "answer",
      action: { name: "answer" },
      allowed: { approve: true, edit: true, reject: true, respond: true, redirect: true },
    });
    expect(String(approval.action.args.answer)).toContain("Payments officer");
    expect(approval.reasons).toEqual(["the pack's policy asks a reviewer to approve every final answer"]);
    expect((await runOf(runId)).result).toBeUndefined();

    expect((await decide(approval, { type: "approve", reviewer: "Grace" })).status).toBe(200);
    const { status } = await pendingOf(t, runId);
    expect(status).toBe("completed");
    expect((await runOf(runId)).result!.answer).toBe(approval.action.args.answer);

    const audit = (await t.api<{ audit: AuditEntry[] }>("GET", `/api/runs/${runId}/audit`)).body.audit;
    expect(audit.map((e) => [e.action, e.event, e.decision, e.reviewer, e.via])).toEqual([
      ["issue_payment", "decided", "approve", "Ada", "rest"],
      ["send_email", "decided", "approve", "Ada", "rest"],
      ["answer", "decided", "approve", "Grace", "rest"],
    ]);
    expect(audit[0]!.argsBefore).toEqual({ claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" });
    expect(audit[0]!.argsAfter).toEqual(audit[0]!.argsBefore);
    expect((await t.api("GET", "/api/runs/run_nope/audit")).status).toBe(404);
  });

  it("releases the reviewer's edited text, decided over the socket; refuses an empty edit", async () => {
    const { runId, approval } = await untilAnswer();
    const empty = await decide(approval, { type: "edit", args: { answer: "  " } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details).toEqual({ field: "args.answer" });

    const client = await t.socket();
    const text = "Claim CLM-1001 is covered under section 4.2; £3,600.00 was paid and the customer was told.";
    const ack = await call<{ approval: Approval }>(client, "approval:decide", {
      approvalId: approval.id,
      decision: { type: "edit", args: { answer: text }, reviewer: "Lin" },
    });
    expect(ack.ok).toBe(true);
    expect((await pendingOf(t, runId)).status).toBe("completed");
    const run = await runOf(runId);
    expect(run.result!.answer).toBe(text);
    expect(run.result!.citations.map((c) => c.source)).toContain("home-policy-wording.md § 4.2 Escape of water");
    const audit = (await t.api<{ audit: AuditEntry[] }>("GET", `/api/runs/${runId}/audit`)).body.audit.at(-1)!;
    expect(audit).toMatchObject({ action: "answer", decision: "edit", reviewer: "Lin", via: "socket", argsAfter: { answer: text } });
    expect(audit.argsBefore.answer).toBe(approval.action.args.answer);
  });

  it("withholds a rejected answer and says so; the payment already made stays made", async () => {
    const { runId, approval } = await untilAnswer();
    expect((await decide(approval, { type: "reject", message: "Tone is wrong" })).status).toBe(200);
    expect((await pendingOf(t, runId)).status).toBe("completed");
    const run = await runOf(runId);
    expect(run.result).toEqual({
      answer: 'The drafted answer was rejected by a reviewer: "Tone is wrong". It was not released.',
      citations: [],
    });
    expect(await effectsOf(t.runtime)).toEqual({ payments: 1, emails: 1 });
  });

  it("has the supervisor write the answer again for feedback; after three rounds the answer is escalated", async () => {
    let { runId, approval } = await untilAnswer();
    const ids = [approval.id];
    for (let round = 1; round <= 3; round += 1) {
      expect((await decide(approval, { type: "respond", message: `Mention the excess, round ${round}` })).status).toBe(200);
      ({ approval } = await untilAnswer(runId));
      ids.push(approval.id);
      expect(String(approval.action.args.answer)).toContain(`Mention the excess, round ${round}`);
    }
    expect(new Set(ids).size).toBe(4);
    expect(approval.allowed.respond).toBe(false);
    expect(approval.escalation).toMatchObject({ reason: "3 rounds of feedback did not settle the answer" });
    const escalated = (await eventsOf(runId)).filter((e) => e.type === "approval.escalated");
    expect(escalated.map((e) => e.data.approvalId)).toEqual([approval.id]);

    const refused = await decide(approval, { type: "respond", message: "again" });
    expect(refused.status).toBe(400);
    expect((await decide(approval, { type: "approve" })).status).toBe(200);
    expect((await pendingOf(t, runId)).status).toBe("completed");
    const audit = (await t.api<{ audit: AuditEntry[] }>("GET", `/api/runs/${runId}/audit`)).body.audit;
    expect(audit.filter((e) => e.action === "answer").map((e) => `${e.event}:${e.decision ?? ""}`)).toEqual([
      "decided:respond",
      "decided:respond",
      "decided:respond",
      "escalated:",
      "decided:approve",
    ]);
  });

  it("hands a redirected answer to a specialist, then asks again with the new draft", async () => {
    const { runId, approval } = await untilAnswer();
    const redirect = {
      type: "redirect",
      specialist: "claims_investigator",
      message: "Check claim CLM-1001 for fraud indicators before we answer.",
    };
    expect((await decide(approval, redirect)).status).toBe(200);
    const again = await untilAnswer(runId);
    expect(again.approval.id).not.toBe(approval.id);
    expect(String(again.approval.action.args.answer)).toContain("Claims investigator");
    const events = await eventsOf(runId);
    const after = events.slice(events.findIndex((e) => e.type === "approval.resolved" && e.data.approvalId === approval.id));
    expect(after.some((e) => e.type === "plan.proposed" && e.data.reason === "redirect")).toBe(true);
    expect(after.some((e) => e.type === "node.started" && e.data.specialist === "claims_investigator")).toBe(true);
    expect((await decide(again.approval, { type: "approve" })).status).toBe(200);
    expect((await pendingOf(t, runId)).status).toBe("completed");
  });

  it("refuses bad decisions on an answer over REST and the socket, naming the field", async () => {
    const { approval } = await untilAnswer();
    const res = await decide(approval, { type: "redirect", specialist: "nobody" });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual({ field: "specialist" });
    const client = await t.socket();
    const ack: Ack = await call(client, "approval:decide", { approvalId: approval.id, decision: { type: "edit", args: {} } });
    expect(ack).toMatchObject({ ok: false, error: { code: "invalid_input", details: { field: "args.answer" } } });
  });
});
