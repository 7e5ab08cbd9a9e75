import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Runtime } from "../../server/runtime/index.ts";
import { openRuntime, paymentsFor, freshStorage, type TestStorage } from "../support/runtime.ts";
import type { SynthesizeRequest } from "../../agents/models/index.ts";
import { ScriptedModel } from "../support/scripted-model.ts";

let data: TestStorage;
let runtime: Runtime;

beforeEach(async () => {
  data = await freshStorage();
});
afterEach(async () => {
  await runtime.close();
  await data.remove();
});

const pay = (claimId: string, amount: number, id?: string) => () => ({
  name: "issue_payment",
  args: { claimId, amount, payee: "Payee" },
  ...(id !== undefined ? { id } : {}),
});

async function start(model: ScriptedModel) {
  runtime = await openRuntime(data, { modelFactory: () => model });
  const run = await runtime.startRun({ task: "Pay claims CLM-1001 and CLM-1008." });
  return { runId: run.id, paused: await runtime.waitForRun(run.id) };
}

describe("parallel approvals", () => {
  it("gives each gated call of one turn its own approval; answered in reverse order, each pays once", async () => {
    const model = new ScriptedModel(
      [{ specialist: "payments_officer", instruction: "Pay both claims" }],
      [[pay("CLM-1001", 100), pay("CLM-1008", 200)]],
    );
    const { runId, paused } = await start(model);
    expect(paused.status).toBe("awaiting_approval");
    const [first, second] = paused.pendingApprovals;
    expect(paused.pendingApprovals).toHaveLength(2);
    expect(first!.id).not.toBe(second!.id);

    await runtime.decide(second!.id, { type: "approve" });
    const half = await runtime.waitForRun(runId);
    expect(half.status).toBe("awaiting_approval");
    expect(half.pendingApprovals.map((a) => a.id)).toEqual([first!.id]);
    expect(await paymentsFor(data, "CLM-1008")).toEqual([]);

    await runtime.decide(first!.id, { type: "edit", args: { claimId: "CLM-1001", amount: 150, payee: "Payee" } });
    const done = await runtime.waitForRun(runId);
    expect(done.status).toBe("completed");
    expect((await paymentsFor(data, "CLM-1001")).map((p) => p.amount)).toEqual([150]);
    expect((await paymentsFor(data, "CLM-1008")).map((p) => p.amount)).toEqual([200]);
    expect(model.acts).toHaveLength(2);
    const events = await runtime.listEvents(runId);
    expect(events.filter((e) => e.type === "approval.requested")).toHaveLength(2);
    expect(events.filter((e) => e.type === "tool.called")).toHaveLength(2);
  });

  it("keeps calls apart when a model repeats or omits call ids", async () => {
    const model = new ScriptedModel(
      [{ specialist: "payments_officer", instruction: "Pay both claims" }],
      [[pay("CLM-1001", 100, "same"), pay("CLM-1008", 200, "same")]],
    );
    const { runId, paused } = await start(model);
    expect(new Set(paused.pendingApprovals.map((a) => a.id)).size).toBe(2);
    for (const approval of paused.pendingApprovals) await runtime.decide(approval.id, { type: "approve" });
    expect((await runtime.waitForRun(runId)).status).toBe("completed");
    expect(await paymentsFor(data, "CLM-1001")).toHaveLength(1);
    expect(await paymentsFor(data, "CLM-1008")).toHaveLength(1);
  });

  it("a redirect of one call does not drop an approved sibling", async () => {
    const model = new ScriptedModel(
      [{ specialist: "payments_officer", instruction: "Pay both claims" }],
      [[pay("CLM-1001", 100), pay("CLM-1008", 200)]],
    );
    const { runId, paused } = await start(model);
    const [first, second] = paused.pendingApprovals;
    await runtime.decide(first!.id, { type: "redirect", specialist: "claims_investigator", message: "Investigate CLM-1001 first" });
    await runtime.decide(second!.id, { type: "approve" });
    const done = await runtime.waitForRun(runId);
    expect(done.status).toBe("completed");
    expect(await paymentsFor(data, "CLM-1001")).toEqual([]);
    expect(await paymentsFor(data, "CLM-1008")).toHaveLength(1);
    expect(model.acts.map((a) => a.specialist.id)).toContain("claims_investigator");
  });

  it("a risk-raising edit beside a redirect is not lost silently: not paid, and the answer says it was not done", async () => {
    const model = new (class extends ScriptedModel {
      readonly answered: SynthesizeRequest[] = [];
      override async synthesize(request: SynthesizeRequest) {
        this.answered.push(request);
        return super.synthesize(request);
      }
    })([{ specialist: "payments_officer", instruction: "Pay both claims" }], [[pay("CLM-1001", 100), pay("CLM-1008", 200)]]);
    const { runId, paused } = await start(model);
    const [first, second] = paused.pendingApprovals;
    // Past the £5,000 limit: on its own, this edit would be asked again before it runs.
    await runtime.decide(first!.id, { type: "edit", args: { claimId: "CLM-1001", amount: 9000, payee: "Payee" } });
    await runtime.decide(second!.id, { type: "redirect", specialist: "claims_investigator", message: "Investigate CLM-1008 first" });
    const done = await runtime.waitForRun(runId);
    expect(done.status).toBe("completed");
    expect(await paymentsFor(data, "CLM-1001")).toEqual([]);
    expect(await paymentsFor(data, "CLM-1008")).toEqual([]);
    // What the answer is written from: the edited payment is reported as not done, not left "asked again".
    const actions = model.answered
      .at(-1)!
      .steps.flatMap((step) => step.actions)
      .filter((a) => a.args.claimId === "CLM-1001");
    expect(actions.map((a) => [a.status, a.message])).toEqual([
      ["rejected", expect.stringContaining("not asked again: the step was redirected")],
    ]);
    expect(await runtime.listApprovals({ runId, status: "pending" })).toEqual([]);
  });
});
