import { describe, expect, it } from "vitest";
import { eventsOfType, type Approval, type Decision, type RunEvent, type RunEventType } from "../../server/contract/index.ts";
import { answerUntilDone, DEMO_TASK, effectsOf, paymentsFor, useRuntime } from "../support/runtime.ts";

const t = useRuntime();

const approve = (): Decision => ({ type: "approve" });
const byTool =
  (tool: string, decision: Decision) =>
  (a: Approval): Decision =>
    a.action.name === tool ? decision : approve();
const eventsOf = <T extends RunEventType>(type: T, events: RunEvent[]) => eventsOfType(events, type);

describe("the demo task with the offline model", () => {
  it("plans coverage, payments and communications, asks for the payment and the email, and pays once", async () => {
    const started = await t.runtime.startRun({ task: DEMO_TASK });
    expect(started.status).toBe("queued");
    expect(started.model).toEqual({ provider: "offline", name: "offline" });

    const { run, asked } = await answerUntilDone(t.runtime, started.id, approve);

    expect(run.status).toBe("completed");
    expect(asked.map((a) => a.action.name)).toEqual(["issue_payment", "send_email"]);
    expect(asked[0]!.action.args).toEqual({ claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" });
    expect(asked[0]!.highRisk).toBeUndefined();
    // The pack's context for the card, looked up in the back-end when the payment was proposed.
    expect(asked[0]!.context).toEqual([
      { label: "Claim status", value: "open" },
      { label: "Settlement due", value: "£3,600.00" },
      { label: "Paid so far", value: "£0.00" },
      { label: "Sum insured", value: "£350,000.00" },
      { label: "Customer flagged for review", value: "no" },
    ]);
    expect(asked[1]!.context).toBeUndefined();
    expect(await effectsOf(t.runtime)).toEqual({ payments: 1, emails: 1 });
    expect(await paymentsFor(t.storage)).toEqual([expect.objectContaining({ amount: 3600, payee: "Eleanor Whitfield" })]);

    const events = await t.runtime.listEvents(run.id);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const plan = eventsOf("plan.proposed", events)[0]!.data.steps as { specialist: string }[];
    expect(plan.map((s) => s.specialist)).toEqual(["coverage_analyst", "payments_officer", "communications"]);
    for (const type of [
      "run.created",
      "run.started",
      "memory.recalled",
      "retrieval.done",
      "tool.called",
      "tool.result",
      "approval.requested",
      "approval.resolved",
      "message",
      "memory.saved",
      "run.completed",
    ] as const) {
      expect(eventsOf(type, events).length, type).toBeGreaterThan(0);
    }
    expect(events.at(-1)!.type).toBe("run.completed");
    // The coverage analyst's first search is weak; it reformulates with the glossary, and says so.
    const coverage = eventsOf("retrieval.done", events).find((e) => e.data.specialist === "coverage_analyst")!;
    expect(coverage.data.reformulated).toBe(true);
    expect((coverage.data.attempts as { weak: boolean }[]).map((a) => a.weak)).toEqual([true, false]);
    expect((coverage.data.passages as { source: string }[])[0]!.source).toBe("home-policy-wording.md § 4.2 Escape of water");

    expect(run.result!.citations.map((c) => c.source)).toContain("home-policy-wording.md § 4.2 Escape of water");
    expect(run.result!.answer).toMatch(/PAY-\d{6}/);
    expect(run.pendingApprovals).toEqual([]);
  });

  it("pays the edited amount when the reviewer edits the payment", async () => {
    const started = await t.runtime.startRun({ task: DEMO_TASK });
    const { run, asked } = await answerUntilDone(
      t.runtime,
      started.id,
      byTool("issue_payment", { type: "edit", args: { claimId: "CLM-1001", amount: 3000, payee: "Eleanor Whitfield" }, reviewer: "ana" }),
    );
    expect(run.status).toBe("completed");
    expect((await paymentsFor(t.storage)).map((p) => p.amount)).toEqual([3000]);
    const decided = await t.runtime.getApproval(asked[0]!.id);
    expect(decided.status).toBe("edited");
    expect(decided.decision).toMatchObject({ type: "edit", reviewer: "ana" });
    // The letter is written from what was paid, not what was proposed.
    expect(String(asked[1]!.action.args.body)).toContain("£3,000.00");
  });

  it("makes no payment when the reviewer rejects it, and the answer says so", async () => {
    const started = await t.runtime.startRun({ task: DEMO_TASK });
    const { run, asked } = await answerUntilDone(
      t.runtime,
      started.id,
      byTool("issue_payment", { type: "reject", message: "needs a loss adjuster first" }),
    );
    expect(run.status).toBe("completed");
    expect(await effectsOf(t.runtime)).toEqual({ payments: 0, emails: 1 });
    expect(run.result!.answer).toMatch(/payment was not made/i);
    expect(run.result!.answer).toContain("needs a loss adjuster first");
    expect((await t.runtime.getApproval(asked[0]!.id)).status).toBe("rejected");
    // Without a payment the customer gets an update, not a settlement letter.
    expect(String(asked[1]!.action.args.subject)).toMatch(/update/i);
  });

  it("revises the payment when the reviewer sends feedback, asks again, and learns the lesson", async () => {
    const started = await t.runtime.startRun({ task: DEMO_TASK });
    let responded = false;
    const { run, asked } = await answerUntilDone(t.runtime, started.id, (a) => {
      if (a.action.name === "issue_payment" && !responded) {
        responded = true;
        return { type: "respond", message: "The customer accepted 3,200 for the kitchen units; pay 3,200." };
      }
      return approve();
    });
    expect(run.status).toBe("completed");
    const payments = asked.filter((a) => a.action.name === "issue_payment");
    expect(payments).toHaveLength(2);
    expect(payments[0]!.id).not.toBe(payments[1]!.id);
    expect(payments[1]!.action.args.amount).toBe(3200);
    expect((await t.runtime.getApproval(payments[0]!.id)).status).toBe("responded");
    expect((await paymentsFor(t.storage)).map((p) => p.amount)).toEqual([3200]);

    const saved = eventsOfType(await t.runtime.listEvents(run.id), "memory.saved")[0]!;
    expect(saved.data.lessons).toBeGreaterThanOrEqual(1);

    // The next run on a similar task recalls what the reviewer taught.
    const next = await t.runtime.startRun({ task: "Work out the payout on claim CLM-1002 and pay it." });
    await t.runtime.waitForRun(next.id);
    const recalled = eventsOfType(await t.runtime.listEvents(next.id), "memory.recalled")[0]!;
    const texts = (recalled.data.items as { text: string }[]).map((i) => i.text).join("\n");
    expect(texts).toContain("3,200");
  });

  it("hands the step to another specialist on redirect, and the rest of the plan goes on", async () => {
    const started = await t.runtime.startRun({ task: DEMO_TASK });
    const { run } = await answerUntilDone(
      t.runtime,
      started.id,
      byTool("issue_payment", {
        type: "redirect",
        specialist: "claims_investigator",
        message: "Check the fraud indicators before anyone pays",
      }),
    );
    expect(run.status).toBe("completed");
    expect((await effectsOf(t.runtime)).payments).toBe(0);
    const events = await t.runtime.listEvents(run.id);
    const redirected = eventsOfType(events, "plan.proposed").find((e) => e.data.reason === "redirect")!;
    expect((redirected.data.steps as { specialist: string }[]).map((s) => s.specialist)).toEqual([
      "coverage_analyst",
      "payments_officer",
      "claims_investigator",
      "communications",
    ]);
    const tools = eventsOfType(events, "tool.called").map((e) => e.data.tool);
    expect(tools).toContain("check_fraud_indicators");
    expect(tools).not.toContain("issue_payment");
  });
});

describe("plan approval", () => {
  const startWithPlanApproval = () => t.runtime.startRun({ task: DEMO_TASK, options: { planApproval: true } });

  it("asks for the plan first; approving it runs the plan", async () => {
    const started = await startWithPlanApproval();
    const paused = await t.runtime.waitForRun(started.id);
    expect(paused.status).toBe("awaiting_approval");
    expect(paused.pendingApprovals.map((a) => a.kind)).toEqual(["plan"]);
    expect(paused.pendingApprovals[0]!.allowed).toEqual({ approve: true, edit: true, reject: true, respond: true, redirect: false });
    expect((await t.runtime.listEvents(started.id)).some((e) => e.type === "tool.called")).toBe(false);
    const { run } = await answerUntilDone(t.runtime, started.id, approve);
    expect(run.status).toBe("completed");
    expect(await effectsOf(t.runtime)).toEqual({ payments: 1, emails: 1 });
  });

  it("runs the edited plan: a removed step does not run", async () => {
    const started = await startWithPlanApproval();
    const { run, asked } = await answerUntilDone(t.runtime, started.id, (a) =>
      a.kind === "plan"
        ? {
            type: "edit",
            args: { steps: (a.action.args.steps as { specialist: string }[]).filter((s) => s.specialist !== "communications") },
          }
        : approve(),
    );
    expect(run.status).toBe("completed");
    expect(asked.map((a) => a.action.name)).toEqual(["plan", "issue_payment"]);
    expect(await effectsOf(t.runtime)).toEqual({ payments: 1, emails: 0 });
  });

  it("re-plans with the reviewer's feedback and asks again", async () => {
    const started = await startWithPlanApproval();
    let first = true;
    const { asked } = await answerUntilDone(t.runtime, started.id, (a) => {
      if (a.kind === "plan" && first) {
        first = false;
        return { type: "respond", message: "Also investigate the claim history for fraud." };
      }
      return approve();
    });
    const plans = asked.filter((a) => a.kind === "plan");
    expect(plans).toHaveLength(2);
    expect((plans[1]!.action.args.steps as { specialist: string }[]).map((s) => s.specialist)).toContain("claims_investigator");
  });

  it("does nothing when the plan is rejected, and says so", async () => {
    const started = await startWithPlanApproval();
    const { run } = await answerUntilDone(t.runtime, started.id, () => ({ type: "reject", message: "wrong claim" }));
    expect(run.status).toBe("completed");
    expect(run.result!.answer).toMatch(/plan was rejected/i);
    expect(await effectsOf(t.runtime)).toEqual({ payments: 0, emails: 0 });
    expect((await t.runtime.listEvents(run.id)).some((e) => e.type === "tool.called")).toBe(false);
  });
});
