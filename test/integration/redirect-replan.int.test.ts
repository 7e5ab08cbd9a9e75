import { describe, expect, it } from "vitest";
import { eventsOfType, type Approval, type Decision } from "../../server/contract/index.ts";
import { demoScript, roleOf } from "../support/openai-demo.ts";
import { useScriptedRuntime } from "../support/openai-runtime.ts";
import { offeredTools, structuredOutputName, textOf, type ChatCompletionRequest, type ScriptedReply } from "../support/openai-server.ts";
import { answerUntilDone, DEMO_TASK, paymentsFor } from "../support/runtime.ts";

const scripted = useScriptedRuntime();
const HANDED_OVER = "Check claim CLM-1001 for fraud indicators before anyone pays.";
const RECHECK = "Re-check the excess that applies to claim CLM-1001.";

/** The demo's model, with a supervisor that re-plans after the redirect and an investigator that reports. */
function script(request: ChatCompletionRequest): ScriptedReply {
  if (structuredOutputName(request) === "plan" && textOf(request, "user").includes("Steps still to do")) {
    // Keep the handed-over step, drop the email, add a second look at the cover.
    return {
      structured: {
        steps: [
          { specialist: "claims_investigator", instruction: HANDED_OVER },
          { specialist: "coverage_analyst", instruction: RECHECK },
        ],
      },
    };
  }
  if (roleOf(request) === "unknown" && offeredTools(request).includes("check_fraud_indicators")) {
    return { content: "No fraud indicators apply to claim CLM-1001 [1]." };
  }
  return demoScript(request);
}

describe("a redirected step", () => {
  it("goes to the named specialist with the reviewer's message, and the supervisor re-plans the rest", async () => {
    const { server, runtime } = await scripted.open(script);
    const run = await runtime.startRun({ task: DEMO_TASK });
    const { run: done } = await answerUntilDone(
      runtime,
      run.id,
      (a: Approval): Decision =>
        a.action.name === "issue_payment"
          ? { type: "redirect", specialist: "claims_investigator", message: HANDED_OVER }
          : { type: "approve" },
    );
    expect(done.status).toBe("completed");
    expect(await paymentsFor(scripted.dir)).toEqual([]);

    const replan = server.requests.find((r) => structuredOutputName(r) === "plan" && textOf(r, "user").includes("Steps still to do"))!;
    expect(textOf(replan, "user")).toContain(`Redirected by a reviewer to claims_investigator: ${HANDED_OVER}`);
    expect(textOf(replan, "user")).toContain('"specialist":"communications"');

    const events = await runtime.listEvents(run.id);
    const plans = eventsOfType(events, "plan.proposed");
    const last = plans.at(-1)!.data as { reason: string; steps: { specialist: string; instruction: string; status: string }[] };
    expect(last.reason).toBe("redirect");
    expect(last.steps.map((s) => [s.specialist, s.status])).toEqual([
      ["coverage_analyst", "done"],
      ["payments_officer", "redirected"],
      ["claims_investigator", "pending"],
      ["coverage_analyst", "pending"],
    ]);
    const started = eventsOfType(events, "node.started")
      .filter((e) => e.data.node === "specialist")
      .map((e) => [e.data.specialist, e.data.instruction]);
    expect(started).toEqual([
      ["coverage_analyst", expect.any(String)],
      ["payments_officer", expect.any(String)],
      ["claims_investigator", HANDED_OVER],
      ["coverage_analyst", RECHECK],
    ]);
    // The email was re-planned away: never proposed.
    expect(eventsOfType(events, "approval.requested").some((e) => (e.data.approval as Approval).action.name === "send_email")).toBe(false);
  });
});
