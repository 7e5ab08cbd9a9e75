import { pino } from "pino";
import { describe, expect, it, onTestFinished } from "vitest";
import { eventsOfType, type Approval, type AuditEntry, type Run, type RunEvent } from "../../server/contract/index.ts";
import type { RuntimeOptions } from "../../server/runtime/index.ts";
import { startServer } from "../../server/start-server.ts";
import { connectSocket, request, until, type ApiAnswer } from "../support/clients.ts";
import { packVariant, toolOf } from "../support/pack-variant.ts";
import { DEMO_TASK, freshStorage, openRuntime, paymentsFor } from "../support/runtime.ts";
import { pendingOf } from "../support/server.ts";

const FLAGGED_CUSTOMER_TASK =
  "Customer on claim CLM-1039 reports that a washing machine leak damaged the kitchen floor. Work out the payout and pay it.";

/** A real server on port 0 over a variant of the built-in pack, closed when the test ends. */
async function serveVariant(change: (manifest: any) => void, options: Partial<RuntimeOptions> = {}) {
  const variant = packVariant(change);
  const storage = await freshStorage();
  const open = async () => {
    const runtime = await openRuntime(storage, { packDirs: [variant.root], approvalCheckMs: 100, ...options });
    const server = await startServer(runtime, { host: "127.0.0.1", port: 0, apiKeys: [], log: pino({ level: "silent" }) });
    return { runtime, server };
  };
  let current = await open();
  const t = {
    dir: storage.dataDir,
    storage,
    api: <T = any>(method: string, path: string, body?: unknown) =>
      request(current.server.url, method, path, body) as Promise<ApiAnswer<T>>,
    socket: () => connectSocket(current.server.url),
    /** Stops the server (the process is "down"), then starts another on the same data directory. */
    async restart(during: () => Promise<void>, reopened: Partial<RuntimeOptions> = {}) {
      await current.server.close();
      await current.runtime.close();
      await during();
      Object.assign(options, reopened);
      current = await open();
    },
  };
  onTestFinished(async () => {
    await current.server.close();
    await current.runtime.close();
    await storage.remove();
    variant.remove();
  });
  return t;
}

type Served = Awaited<ReturnType<typeof serveVariant>>;
const start = async (t: Served, task = DEMO_TASK, options?: object) =>
  (await t.api<{ run: Run }>("POST", "/api/runs", { task, ...(options ? { options } : {}) })).body.run.id;
const decide = (t: Served, approval: Approval, decision: unknown) => t.api("POST", `/api/approvals/${approval.id}/decision`, decision);
const eventsOf = async (t: Served, runId: string) => (await t.api<{ events: RunEvent[] }>("GET", `/api/runs/${runId}/events`)).body.events;
const auditOf = async (t: Served, runId: string) => (await t.api<{ audit: AuditEntry[] }>("GET", `/api/runs/${runId}/audit`)).body.audit;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("approval policies as data", () => {
  it("asks for a payment only when a condition on its arguments holds", async () => {
    const t = await serveVariant((m) => {
      toolOf(m, "issue_payment").approval = {
        when: [{ arg: "amount", op: ">", value: 5000, reason: "above the handler's £5,000 authority" }],
      };
    });
    const runId = await start(t);
    const { approvals } = await pendingOf(t, runId);
    // The £3,600 payment went ahead without a reviewer; only the email asks.
    expect(approvals.map((a) => a.action.name)).toEqual(["send_email"]);
    expect(await paymentsFor(t.storage)).toEqual([expect.objectContaining({ amount: 3600 })]);
    const events = await eventsOf(t, runId);
    expect(eventsOfType(events, "approval.requested").map((e) => (e.data.approval as Approval).action.name)).toEqual(["send_email"]);
  });

  it("looks a customer up in the back-end: a flagged customer's payment is asked, high risk, with the reason", async () => {
    const t = await serveVariant((m) => {
      toolOf(m, "issue_payment").approval = {
        when: [
          {
            lookup: { tool: "check_fraud_indicators", field: "customer_flagged" },
            op: "==",
            value: true,
            reason: "the customer is flagged for review",
            highRisk: true,
          },
        ],
      };
    });
    const flagged = await start(t, FLAGGED_CUSTOMER_TASK);
    const { approvals } = await pendingOf(t, flagged);
    expect(approvals).toHaveLength(1);
    expect(approvals[0]).toMatchObject({
      action: { name: "issue_payment", args: { claimId: "CLM-1039" } },
      highRisk: "the customer is flagged for review",
      // The claim is under investigation: a rule of the pack the reviewer is shown too.
      reasons: [
        "it breaks a rule of the pack: claim CLM-1039 is under investigation: it is paid once the investigation clears it",
        "the customer is flagged for review",
      ],
      violations: ["claim CLM-1039 is under investigation: it is paid once the investigation clears it"],
    });
    expect(approvals[0]!.description).toContain("HIGH RISK");
    expect(await paymentsFor(t.storage, "CLM-1039")).toEqual([]);

    // The same policy lets a payment to a customer who is not flagged through.
    const plain = await start(
      t,
      "Customer on claim CLM-1001 reports that a burst pipe flooded the kitchen. Work out the payout and pay it.",
    );
    expect((await pendingOf(t, plain)).status).toBe("completed");
    expect(await paymentsFor(t.storage, "CLM-1001")).toHaveLength(1);
  });

  it("asks for every call of a specialist whose policy says always, queries included", async () => {
    const t = await serveVariant((m) => {
      m.specialists.find((s: { id: string }) => s.id === "claims_investigator").approval = "always";
    });
    const runId = await start(t, "Look up claim CLM-1010 and check the fraud indicators.");
    const { approvals } = await pendingOf(t, runId);
    expect(approvals.length).toBeGreaterThan(0);
    for (const approval of approvals) {
      expect(approval.specialist).toBe("claims_investigator");
      expect(approval.reasons).toEqual(["every call by Claims investigator needs a reviewer"]);
    }
    expect(eventsOfType(await eventsOf(t, runId), "tool.called").filter((e) => e.data.specialist === "claims_investigator")).toEqual([]);
  });

  it("asks again when a reviewer's edit raises the risk: a payment edited past the authority limit is not paid on that edit alone", async () => {
    const t = await serveVariant(() => {});
    const runId = await start(t);
    const payment = (await pendingOf(t, runId)).approvals[0]!;
    expect(payment.highRisk).toBeUndefined();
    expect((await decide(t, payment, { type: "edit", args: { ...payment.action.args, amount: 6000 }, reviewer: "Junior" })).status).toBe(
      200,
    );
    const again = (await pendingOf(t, runId)).approvals[0]!;
    expect(again.id).not.toBe(payment.id);
    expect(again).toMatchObject({ action: { name: "issue_payment", args: { amount: 6000 } }, status: "pending" });
    expect(again.highRisk).toContain("£6,000.00 is above £5,000.00");
    expect(again.reasons).toContain("a reviewer's edit raised the risk, so the edited call needs its own approval");
    expect(await paymentsFor(t.storage)).toEqual([]);
    expect((await decide(t, again, { type: "approve", reviewer: "Senior manager" })).status).toBe(200);
    expect((await pendingOf(t, runId)).approvals.map((a) => a.action.name)).toEqual(["send_email"]);
    expect(await paymentsFor(t.storage)).toEqual([expect.objectContaining({ amount: 6000 })]);
    const audit = await auditOf(t, runId);
    expect(audit.slice(0, 2).map((e) => [e.reviewer, e.decision, e.argsAfter?.amount])).toEqual([
      ["Junior", "edit", 6000],
      ["Senior manager", "approve", 6000],
    ]);
  });

  it("refuses a pack whose condition names an argument the tool does not have, naming the field", async () => {
    await expect(
      serveVariant((m) => {
        toolOf(m, "issue_payment").approval = { when: [{ arg: "amout", op: ">", value: 1, reason: "typo" }] };
      }),
    ).rejects.toThrow(/tools\.\d+\.approval\.when\.0\.arg.*'amout' is not an argument of issue_payment/);
  });

  it("edits a plan: reorders, reassigns, adds and removes steps; the run follows the edited plan", async () => {
    const t = await serveVariant(() => {});
    const runId = await start(t, DEMO_TASK, { planApproval: true });
    const plan = (await pendingOf(t, runId)).approvals[0]!;
    expect(plan.kind).toBe("plan");
    const proposed = plan.action.args.steps as { specialist: string; instruction: string }[];
    expect(proposed.map((s) => s.specialist)).toEqual(["coverage_analyst", "payments_officer", "communications"]);
    // Drop the payment, add an investigation first, and move the coverage check last.
    const steps = [
      { specialist: "claims_investigator", instruction: "Check claim CLM-1001 for fraud indicators." },
      { specialist: "communications", instruction: proposed[2]!.instruction },
      { specialist: "coverage_analyst", instruction: proposed[0]!.instruction },
    ];
    expect((await decide(t, plan, { type: "edit", args: { steps } })).status).toBe(200);
    let { status, approvals } = await pendingOf(t, runId);
    while (status === "awaiting_approval") {
      for (const a of approvals) await decide(t, a, { type: "approve" });
      ({ status, approvals } = await pendingOf(t, runId));
    }
    expect(status).toBe("completed");
    const started = eventsOfType(await eventsOf(t, runId), "node.started")
      .filter((e) => e.data.specialist)
      .map((e) => e.data.specialist);
    expect(started).toEqual(["claims_investigator", "communications", "coverage_analyst"]);
    expect(await paymentsFor(t.storage)).toEqual([]);
  });

  it("escalates a plan after three rounds of feedback: the fourth proposal offers no more feedback", async () => {
    const t = await serveVariant(() => {});
    const runId = await start(t, DEMO_TASK, { planApproval: true });
    let plan = (await pendingOf(t, runId)).approvals[0]!;
    for (let round = 1; round <= 3; round += 1) {
      expect(plan.allowed.respond).toBe(true);
      expect((await decide(t, plan, { type: "respond", message: `Round ${round}: keep it short.` })).status).toBe(200);
      plan = (await pendingOf(t, runId)).approvals[0]!;
      expect(plan.kind).toBe("plan");
    }
    expect(plan.allowed.respond).toBe(false);
    expect(plan.escalation).toMatchObject({ reason: "3 rounds of feedback did not settle the plan" });
    expect(eventsOfType(await eventsOf(t, runId), "approval.escalated").map((e) => e.data.approvalId)).toEqual([plan.id]);
  });

  it("escalates a tool call after three rounds of feedback: no more feedback, an approval.escalated event", async () => {
    const t = await serveVariant(() => {});
    const runId = await start(t);
    let payment = (await pendingOf(t, runId)).approvals[0]!;
    for (let round = 1; round <= 3; round += 1) {
      expect(payment.allowed.respond).toBe(true);
      expect((await decide(t, payment, { type: "respond", message: `Pay ${3000 + round * 10} instead.` })).status).toBe(200);
      payment = (await pendingOf(t, runId)).approvals[0]!;
      expect(payment.action.name).toBe("issue_payment");
    }
    expect(payment.allowed.respond).toBe(false);
    expect(payment.escalation).toMatchObject({ reason: "3 rounds of feedback did not settle this call", to: "Senior claims manager" });
    const escalated = eventsOfType(await eventsOf(t, runId), "approval.escalated");
    expect(escalated.map((e) => e.data)).toEqual([expect.objectContaining({ approvalId: payment.id, to: "Senior claims manager" })]);
    expect((await decide(t, payment, { type: "respond", message: "once more" })).status).toBe(400);
  });
});

describe("pending approvals", () => {
  it("are never discarded by a new task: each run keeps its own, decided in any order", async () => {
    const t = await serveVariant(() => {});
    const first = await start(t);
    const firstPayment = (await pendingOf(t, first)).approvals[0]!;
    const second = await start(t, "Customer on claim CLM-1002 reports a burst pipe. Work out the payout and pay it.");
    const secondPayment = (await pendingOf(t, second)).approvals[0]!;
    const paidBefore = await paymentsFor(t.storage, "CLM-1002"); // the seed holds an earlier payment on this claim
    expect(secondPayment.id).not.toBe(firstPayment.id);
    const pending = (await t.api<{ approvals: Approval[] }>("GET", "/api/approvals")).body.approvals.map((a) => a.id);
    expect(pending).toEqual([firstPayment.id, secondPayment.id]);
    // The later run is decided first; the earlier one's approval is still there, unchanged.
    expect((await decide(t, secondPayment, { type: "reject" })).status).toBe(200);
    expect((await pendingOf(t, second)).status).toBe("completed");
    expect((await t.api<{ approval: Approval }>("GET", `/api/approvals/${firstPayment.id}`)).body.approval).toEqual(firstPayment);
    expect((await decide(t, firstPayment, { type: "approve" })).status).toBe(200);
    expect((await pendingOf(t, first)).approvals.map((a) => a.action.name)).toEqual(["send_email"]);
    expect(await paymentsFor(t.storage)).toHaveLength(1);
    expect(await paymentsFor(t.storage, "CLM-1002")).toEqual(paidBefore);
  });
});

describe("approval deadlines", () => {
  it("rejects a payment nobody decided in time; the run goes on without it and says so", async () => {
    const t = await serveVariant((m) => {
      m.policy.expiry = { tool_call: { after: "1s", fallback: "reject" } };
    });
    const runId = await start(t);
    const payment = (await pendingOf(t, runId)).approvals[0]!;
    expect(Date.parse(payment.expiresAt!) - Date.parse(payment.createdAt)).toBe(1000);
    const expired = await until("the payment to expire", async () => {
      const { body } = await t.api<{ approval: Approval }>("GET", `/api/approvals/${payment.id}`);
      return body.approval.status === "expired" && body.approval;
    });
    expect(expired.decision).toMatchObject({ type: "reject", message: "No reviewer decided within 1s: rejected by the pack's policy." });
    // The email is asked next, and expires the same way; then the run completes.
    expect(
      await until(
        "the run to end",
        async () => (await pendingOf(t, runId)).status !== "awaiting_approval" && (await pendingOf(t, runId)).status,
      ),
    ).toBe("completed");
    const run = (await t.api<{ run: Run }>("GET", `/api/runs/${runId}`)).body.run;
    expect(run.result!.answer).toMatch(/Not done:[\s\S]*payment/i);
    expect(await paymentsFor(t.storage)).toEqual([]);
    const audit = await auditOf(t, runId);
    expect(audit.map((e) => [e.action, e.event, e.via, e.status])).toEqual([
      ["issue_payment", "expired", "policy", "expired"],
      ["send_email", "expired", "policy", "expired"],
    ]);
    expect((await decide(t, payment, { type: "approve" })).status).toBe(409);
  });

  it("escalates first (inbox told), then rejects at the second deadline unless someone decides", async () => {
    const t = await serveVariant((m) => {
      // Two seconds: the test must approve within the window the escalation opens, on a loaded machine too.
      m.policy.expiry = { tool_call: { after: "2s", fallback: "escalate", escalateTo: "Senior claims manager" } };
    });
    const inbox = await t.socket();
    const escalations: Approval[] = [];
    inbox.on("approval:escalated", (approval) => escalations.push(approval));
    await (inbox.timeout(5000) as any).emitWithAck("inbox:subscribe", {});
    const runId = await start(t);
    const payment = (await pendingOf(t, runId)).approvals[0]!;
    const escalated = await until("the payment to be escalated", () => escalations.find((a) => a.id === payment.id));
    expect(escalated).toMatchObject({ status: "pending", escalation: { reason: "nobody decided within 2s", to: "Senior claims manager" } });
    expect(Date.parse(escalated.expiresAt!)).toBeGreaterThan(Date.parse(payment.expiresAt!));
    // The senior manager approves the escalated payment; the email is left to expire.
    expect((await decide(t, payment, { type: "approve", reviewer: "Senior manager" })).status).toBe(200);
    await until("the run to end", async () => ((await pendingOf(t, runId)).status === "completed" ? "done" : undefined));
    expect(await paymentsFor(t.storage)).toHaveLength(1);
    const audit = await auditOf(t, runId);
    expect(audit.map((e) => [e.action, e.event, e.decision ?? null, e.via])).toEqual([
      ["issue_payment", "escalated", null, "policy"],
      ["issue_payment", "decided", "approve", "rest"],
      ["send_email", "escalated", null, "policy"],
      ["send_email", "expired", "reject", "policy"],
    ]);
    inbox.disconnect();
  });

  it("rejects a plan nobody approved in time, as the pack's plan expiry says: no step runs", async () => {
    const t = await serveVariant((m) => {
      m.policy.expiry = { plan: { after: "1s", fallback: "reject" } };
    });
    const runId = await start(t, DEMO_TASK, { planApproval: true });
    const plan = (await pendingOf(t, runId)).approvals[0]!;
    expect(plan.kind).toBe("plan");
    expect(Date.parse(plan.expiresAt!) - Date.parse(plan.createdAt)).toBe(1000);
    await until("the run to end", async () => ((await pendingOf(t, runId)).status === "completed" ? "done" : undefined));
    const { body } = await t.api<{ approval: Approval }>("GET", `/api/approvals/${plan.id}`);
    expect(body.approval).toMatchObject({ status: "expired", decision: { type: "reject" } });
    expect(eventsOfType(await eventsOf(t, runId), "node.started").filter((e) => e.data.specialist)).toEqual([]);
    expect(await paymentsFor(t.storage)).toEqual([]);
  });

  it("applies a deadline that fell due while no server ran, at the next start", async () => {
    const t = await serveVariant((m) => {
      m.policy.expiry = { tool_call: { after: "1s", fallback: "reject" } };
    });
    const runId = await start(t);
    const payment = (await pendingOf(t, runId)).approvals[0]!;
    // Down before the deadline; up again after it, with the periodic check off: only the start-up check can expire it.
    await t.restart(() => sleep(Math.max(0, Date.parse(payment.expiresAt!) - Date.now()) + 300), { approvalCheckMs: 0 });
    const { body } = await t.api<{ approval: Approval }>("GET", `/api/approvals/${payment.id}`);
    expect(body.approval.status).toBe("expired");
    const next = (await pendingOf(t, runId)).approvals;
    expect(next.map((a) => a.action.name)).toEqual(["send_email"]);
    expect(await paymentsFor(t.storage)).toEqual([]);
  });
});
