import { describe, expect, it } from "vitest";
import { parseAuthFile } from "../../server/auth/index.ts";
import type { Approval, AuditEntry } from "../../server/contract/index.ts";
import { DEMO_TASK } from "../support/clients.ts";
import { AUTH_FILE, as } from "../support/principals.ts";
import { paymentsFor } from "../support/runtime.ts";
import { call, pendingOf, until, useServer, type TestServer } from "../support/server.ts";

// The principals, and sam: a claims manager of acme who also starts runs.
const file = JSON.parse(AUTH_FILE) as { principals: unknown[] };
const principals = parseAuthFile(
  JSON.stringify({
    principals: [
      ...file.principals,
      { key: "k-sam", id: "sam", name: "Sam Hale", tenant: "acme", roles: ["submitter", "reviewer", "claims_manager"] },
    ],
  }),
);
const t = useServer({ principals });

const LARGE_CLAIM =
  "Customer on claim CLM-1005 lost control on black ice and hit a stone wall. Check the cover, work out the payout, pay it and email the customer.";

/** Starts a run as `key` and waits for its first pending approval. */
async function firstApproval(server: TestServer, key: string, task: string): Promise<{ runId: string; approval: Approval }> {
  const started = await server.api("POST", "/api/runs", { task }, as(key));
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const runId = started.body.run.id as string;
  const { approvals } = await pendingOf({ api: (m, p, b) => server.api(m, p, b, as(key)) }, runId);
  return { runId, approval: approvals[0]! };
}

const decide = (server: TestServer, approval: Approval, key: string, decision: unknown) =>
  server.api("POST", `/api/approvals/${approval.id}/decision`, decision, as(key));

describe("the policy's authority: requiresRole", () => {
  it("lets only a claims manager approve a payment above the £5,000 limit (CLM-1005)", async () => {
    const { runId, approval } = await firstApproval(t, "k-ana", LARGE_CLAIM);
    expect(approval.action).toMatchObject({ name: "issue_payment", args: { claimId: "CLM-1005" } });
    expect(approval.action.args.amount as number).toBeGreaterThan(5000);
    expect(approval).toMatchObject({ requiresRoles: ["claims_manager"], fourEyes: true });
    expect(approval.highRisk).toMatch(/above £5,000\.00/);
    expect(approval.description).toContain("Only claims_manager may approve it");

    const refused = await decide(t, approval, "k-ana", { type: "approve" });
    expect([refused.status, refused.body.error.code, refused.body.error.details.role]).toEqual([403, "missing_role", "claims_manager"]);
    // Lowering the amount is letting it go ahead too: also the manager's.
    const edit = await decide(t, approval, "k-ana", { type: "edit", args: { ...approval.action.args, amount: 4000 } });
    expect([edit.status, edit.body.error.code]).toEqual([403, "missing_role"]);
    const socket = await t.socket({ token: "k-ana" });
    expect(await call(socket, "approval:decide", { approvalId: approval.id, decision: { type: "approve" } })).toMatchObject({
      ok: false,
      error: { code: "missing_role" },
    });

    const approved = await decide(t, approval, "k-max", { type: "approve" });
    expect(approved.status).toBe(200);
    expect(approved.body.approval.decision).toEqual({ type: "approve", reviewer: "Max Stone" });
    const paid = await until("the payment to be made", async () => {
      const payments = await paymentsFor(t.storage, "CLM-1005");
      return payments.length > 0 && payments;
    });
    expect(paid).toEqual([expect.objectContaining({ amount: approval.action.args.amount })]);
    const audit = (await t.api("GET", `/api/runs/${runId}/audit`, undefined, as("k-ana"))).body.audit as AuditEntry[];
    expect(audit.filter((e) => e.approvalId === approval.id)).toEqual([
      expect.objectContaining({ decision: "approve", reviewerId: "max", reviewerVerified: true }),
    ]);
  });

  it("lets any reviewer reject what they may not approve", async () => {
    const { approval } = await firstApproval(t, "k-ana", LARGE_CLAIM);
    const rejected = await decide(t, approval, "k-ana", { type: "reject", message: "not without the engineer's report" });
    expect(rejected.status).toBe(200);
    expect(await paymentsFor(t.storage, "CLM-1005")).toEqual([]);
  });

  it("four eyes: whoever started the run may not approve its high-risk payment, even as a claims manager", async () => {
    const { approval } = await firstApproval(t, "k-sam", LARGE_CLAIM);
    const refused = await decide(t, approval, "k-sam", { type: "approve" });
    expect([refused.status, refused.body.error.code, refused.body.error.details.rule]).toEqual([403, "four_eyes", "started_run"]);
    expect((await decide(t, approval, "k-max", { type: "approve" })).status).toBe(200);
  });
});

describe("sensitive arguments and four eyes on an edit", () => {
  it("asks again when ana edits the payee; ana may not approve the re-ask, max decides it; the audit names both", async () => {
    const { runId, approval } = await firstApproval(t, "k-ana", DEMO_TASK);
    expect(approval.action).toEqual({ name: "issue_payment", args: { claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" } });
    const edited = await decide(t, approval, "k-ana", {
      type: "edit",
      args: { ...approval.action.args, payee: "Mallory Attacker" },
      reviewer: "Senior claims manager (max)",
    });
    expect(edited.status).toBe(200);

    const { approvals } = await pendingOf({ api: (m, p, b) => t.api(m, p, b, as("k-ana")) }, runId);
    const reask = approvals[0]!;
    expect(reask.action).toEqual({ name: "issue_payment", args: { claimId: "CLM-1001", amount: 3600, payee: "Mallory Attacker" } });
    expect(reask.reasons!.join(" ")).toContain("changed payee, which the pack marks sensitive");
    expect(reask.fourEyes).toBe(true);
    expect(await paymentsFor(t.storage)).toEqual([]);

    const refused = await decide(t, reask, "k-ana", { type: "approve" });
    expect([refused.status, refused.body.error.code, refused.body.error.details.rule]).toEqual([403, "four_eyes", "edited_call"]);
    const socket = await t.socket({ token: "k-ana" });
    expect(
      await call(socket, "approval:decide", { approvalId: reask.id, decision: { type: "edit", args: reask.action.args } }),
    ).toMatchObject({ ok: false, error: { code: "four_eyes" } });

    const rejected = await decide(t, reask, "k-max", { type: "reject", message: "the payee is the policyholder", reviewer: "ana" });
    expect(rejected.status).toBe(200);
    expect(await paymentsFor(t.storage)).toEqual([]);
    const audit = (await t.api("GET", `/api/runs/${runId}/audit`, undefined, as("k-vic"))).body.audit as AuditEntry[];
    expect(audit.filter((e) => e.event === "decided").map((e) => [e.approvalId, e.decision, e.reviewerId, e.reviewer])).toEqual([
      [approval.id, "edit", "ana", "Ana Ruiz"],
      [reask.id, "reject", "max", "Max Stone"],
    ]);
  });

  it("goes ahead with an edit that changes nothing sensitive, without asking again", async () => {
    const { runId, approval } = await firstApproval(t, "k-ana", DEMO_TASK);
    expect((await decide(t, approval, "k-ana", { type: "edit", args: { ...approval.action.args, amount: 3000 } })).status).toBe(200);
    const { approvals } = await pendingOf({ api: (m, p, b) => t.api(m, p, b, as("k-ana")) }, runId);
    expect(approvals[0]!.action.name).toBe("send_email");
    expect(await paymentsFor(t.storage)).toEqual([expect.objectContaining({ amount: 3000, payee: "Eleanor Whitfield" })]);
  });
});
