import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Runtime } from "../../server/runtime/index.ts";
import { openRuntime, paymentsFor, tempDataDir } from "../support/runtime.ts";
import { ScriptedModel } from "../support/scripted-model.ts";

let data: ReturnType<typeof tempDataDir>;
let runtime: Runtime;

beforeEach(() => {
  data = tempDataDir();
});
afterEach(async () => {
  await runtime.close();
  data.remove();
});

/** The back-end's emails for a claim, read through the runtime. */
const emailsFor = (claimId: string) => runtime.backendOf("insurance-claims").count("email_outbox", { claim_id: claimId });

describe("a question never proposes an effect", () => {
  it("answers what would be paid on a claim with the payout, and asks nobody to pay it", async () => {
    runtime = await openRuntime(data.dir);
    const run = await runtime.waitForRun((await runtime.startRun({ task: "What would we pay out on claim CLM-1043?" })).id);
    expect(run.status).toBe("completed");
    expect(run.result!.answer).toMatch(/9,300\.00/);
    const events = await runtime.listEvents(run.id);
    expect(events.filter((e) => e.type === "approval.requested")).toEqual([]);
    expect(events.filter((e) => e.type === "tool.called").map((e) => e.data.tool)).not.toContain("issue_payment");
    expect(await paymentsFor(data.dir, "CLM-1043")).toEqual([]);
  });

  it("answers a question about a customer's email address without sending an email", async () => {
    runtime = await openRuntime(data.dir);
    const run = await runtime.waitForRun(
      (await runtime.startRun({ task: "Can you give me the email address for the customer on CLM-1010?" })).id,
    );
    expect(run.status).toBe("completed");
    expect(run.result!.answer).toContain("michael.brennan@example.com");
    expect((await runtime.listEvents(run.id)).filter((e) => e.type === "approval.requested")).toEqual([]);
    expect(await emailsFor("CLM-1010")).toBe(0);
  });

  it("refuses, without asking a reviewer, an effect a model proposes for a question; the answer says why", async () => {
    const model = new ScriptedModel(
      [{ specialist: "payments_officer", instruction: "Work out the payout" }],
      [[() => ({ name: "issue_payment", args: { claimId: "CLM-1043", amount: 9300, payee: "Lee Hodgson" } })]],
    );
    runtime = await openRuntime(data.dir, { modelFactory: () => model });
    const run = await runtime.waitForRun((await runtime.startRun({ task: "What would we pay out on claim CLM-1043?" })).id);
    expect(run.status).toBe("completed");
    expect(run.pendingApprovals).toEqual([]);
    expect(model.acts[0]!.specialist.tools.map((t) => t.name)).toEqual(["calculate_payout"]);
    expect(run.result!.answer).toMatch(/issue_payment call was refused: not proposed: the task does not ask for issue_payment/);
    expect(await paymentsFor(data.dir, "CLM-1043")).toEqual([]);
  });

  it("still proposes the effect when the task asks for it", async () => {
    runtime = await openRuntime(data.dir);
    const run = await runtime.waitForRun((await runtime.startRun({ task: "Work out the payout on CLM-1028 and pay it." })).id);
    expect(run.status).toBe("awaiting_approval");
    expect(run.pendingApprovals.map((a) => [a.action.name, a.action.args.amount])).toEqual([["issue_payment", 1230]]);
  });
});
