import { describe, expect, it } from "vitest";
import { derivePlan } from "../../client/src/lib/plan.ts";
import type { Approval, Decision } from "../../server/contract/index.ts";
import { answerUntilDone, DEMO_TASK, useRuntime } from "../support/runtime.ts";

/** The web client's reading of a run's plan, from the events of real runs. */
const t = useRuntime();

const approve = (): Decision => ({ type: "approve" });
const byKind =
  (kind: Approval["kind"] | string, decision: Decision) =>
  (a: Approval): Decision =>
    a.kind === kind || a.action.name === kind ? decision : approve();
const stepsOf = async (runId: string) => derivePlan(await t.runtime.listEvents(runId)).steps.map((s) => [s.specialist, s.state]);

describe("the client's plan view, from a run's events", () => {
  it("marks each step done as the specialists finish, and the plan as approved", async () => {
    const started = await t.runtime.startRun({ task: DEMO_TASK, options: { planApproval: true } });
    const paused = await t.runtime.waitForRun(started.id);
    const proposed = derivePlan(await t.runtime.listEvents(started.id));
    expect(proposed).toMatchObject({ approval: "pending", supervisor: "awaiting_plan_approval", revision: 1 });
    expect(proposed.steps.map((s) => s.state)).toEqual(["pending", "pending", "pending"]);

    await t.runtime.decide(paused.pendingApprovals[0]!.id, approve());
    const atPayment = await t.runtime.waitForRun(started.id);
    expect(atPayment.pendingApprovals[0]!.action.name).toBe("issue_payment");
    expect(await stepsOf(started.id)).toEqual([
      ["coverage_analyst", "done"],
      ["payments_officer", "active"],
      ["communications", "pending"],
    ]);

    const { run } = await answerUntilDone(t.runtime, started.id, approve);
    expect(derivePlan(await t.runtime.listEvents(run.id))).toMatchObject({ approval: "approved", supervisor: "answered" });
    expect(await stepsOf(run.id)).toEqual([
      ["coverage_analyst", "done"],
      ["payments_officer", "done"],
      ["communications", "done"],
    ]);
  });

  it("follows a plan a reviewer reordered and cut: its steps are matched as they start", async () => {
    const started = await t.runtime.startRun({ task: DEMO_TASK, options: { planApproval: true } });
    const edited: Decision = {
      type: "edit",
      args: {
        steps: [
          { specialist: "claims_investigator", instruction: "Check the fraud indicators on claim CLM-1001" },
          { specialist: "coverage_analyst", instruction: "Check the cover for claim CLM-1001" },
        ],
      },
    };
    const { run } = await answerUntilDone(t.runtime, started.id, byKind("plan", edited));
    expect(run.status).toBe("completed");
    expect(derivePlan(await t.runtime.listEvents(run.id)).approval).toBe("edited");
    expect(await stepsOf(run.id)).toEqual([
      ["claims_investigator", "done"],
      ["coverage_analyst", "done"],
    ]);
  });

  it("shows a redirected step and the step added for it; a rejected plan's steps as not done", async () => {
    const redirected = await t.runtime.startRun({ task: DEMO_TASK });
    const { run } = await answerUntilDone(
      t.runtime,
      redirected.id,
      byKind("issue_payment", { type: "redirect", specialist: "claims_investigator", message: "Check the fraud indicators first" }),
    );
    expect(await stepsOf(run.id)).toEqual([
      ["coverage_analyst", "done"],
      ["payments_officer", "redirected"],
      ["claims_investigator", "done"],
      ["communications", "done"],
    ]);

    const rejected = await t.runtime.startRun({ task: DEMO_TASK, options: { planApproval: true } });
    const { run: stopped } = await answerUntilDone(t.runtime, rejected.id, byKind("plan", { type: "reject", message: "not this claim" }));
    expect(derivePlan(await t.runtime.listEvents(stopped.id)).approval).toBe("rejected");
    expect((await stepsOf(stopped.id)).map(([, state]) => state)).toEqual(["skipped", "skipped", "skipped"]);
  });
});
