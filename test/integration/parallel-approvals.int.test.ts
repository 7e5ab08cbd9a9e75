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

const pay = (claimId: string, amount: number, id?: string) => () => ({ name: "issue_payment", args: { claimId, amount, payee: "Payee" }, ...(id !== undefined ? { id } : {}) });

async function start(model: ScriptedModel) {
  runtime = await openRuntime(data.dir, { modelFactory: () => model });
  const run = runtime.startRun({ task: "Pay claims CLM-1001 and CLM-1008." });
  return { runId: run.id, paused: await runtime.waitForRun(run.id) };
}

describe("parallel approvals", () => {
  it("gives each gated call of one turn its own approval; answered in reverse order, each pays once", async () => {
    const model = new ScriptedModel([{ specialist: "payments_officer", instruction: "Pay both claims" }], [[pay("CLM-1001", 100), pay("CLM-1008", 200)]]);
    const { runId, paused } = await start(model);
    expect(paused.status).toBe("awaiting_approval");
    const [first, second] = paused.pendingApprovals;
    expect(paused.pendingApprovals).toHaveLength(2);
    expect(first!.id).not.toBe(second!.id);

    await runtime.decide(second!.id, { type: "approve" });
    const half = await runtime.waitForRun(runId);
    expect(half.status).toBe("awaiting_approval");
    expect(half.pendingApprovals.map((a) => a.id)).toEqual([first!.id]);
    expect(paymentsFor(data.dir, "CLM-1008")).toEqual([]);

    await runtime.decide(first!.id, { type: "edit", args: { claimId: "CLM-1001", amount: 150, payee: "Payee" } });
    const done = await runtime.waitForRun(runId);
    expect(done.status).toBe("completed");
    expect(paymentsFor(data.dir, "CLM-1001").map((p) => p.amount)).toEqual([150]);
    expect(paymentsFor(data.dir, "CLM-1008").map((p) => p.amount)).toEqual([200]);
    expect(model.acts).toHaveLength(2);
    const events = runtime.listEvents(runId);
    expect(events.filter((e) => e.type === "approval.requested")).toHaveLength(2);
    expect(events.filter((e) => e.type === "tool.called")).toHaveLength(2);
  });

  it("keeps calls apart when a model repeats or omits call ids", async () => {
    const model = new ScriptedModel([{ specialist: "payments_officer", instruction: "Pay both claims" }], [[pay("CLM-1001", 100, "same"), pay("CLM-1008", 200, "same")]]);
    const { runId, paused } = await start(model);
    expect(new Set(paused.pendingApprovals.map((a) => a.id)).size).toBe(2);
    for (const approval of paused.pendingApprovals) await runtime.decide(approval.id, { type: "approve" });
    expect((await runtime.waitForRun(runId)).status).toBe("completed");
    expect(paymentsFor(data.dir, "CLM-1001")).toHaveLength(1);
    expect(paymentsFor(data.dir, "CLM-1008")).toHaveLength(1);
  });

  it("a redirect of one call does not drop an approved sibling", async () => {
    const model = new ScriptedModel([{ specialist: "payments_officer", instruction: "Pay both claims" }], [[pay("CLM-1001", 100), pay("CLM-1008", 200)]]);
    const { runId, paused } = await start(model);
    const [first, second] = paused.pendingApprovals;
    await runtime.decide(first!.id, { type: "redirect", specialist: "claims_investigator", message: "Investigate CLM-1001 first" });
    await runtime.decide(second!.id, { type: "approve" });
    const done = await runtime.waitForRun(runId);
    expect(done.status).toBe("completed");
    expect(paymentsFor(data.dir, "CLM-1001")).toEqual([]);
    expect(paymentsFor(data.dir, "CLM-1008")).toHaveLength(1);
    expect(model.acts.map((a) => a.specialist.id)).toContain("claims_investigator");
  });
});
