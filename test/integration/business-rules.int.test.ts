import { describe, expect, it } from "vitest";
import { eventsOfType } from "../../server/contract/index.ts";
import { runCli } from "../support/cli.ts";
import { lockPayments } from "../support/locks.ts";
import { answerUntilDone, DEMO_TASK, openRuntime, paymentsFor, useRuntime } from "../support/runtime.ts";

const t = useRuntime();

/** The insurance pack's rules for a payment: the claim exists and is not settled or declined; payments stay within what is due. */
describe("business rules of an effect (the pack's preconditions)", () => {
  it("runs the README demo twice with --yes and pays CLM-1001 once: the second payment breaks a rule, and --yes leaves it to a person", async () => {
    await t.runtime.close();
    const env = t.storage.env;
    const first = await runCli(["run", DEMO_TASK, "--yes"], env);
    expect(first.code).toBe(0);
    const second = await runCli(["run", DEMO_TASK, "--yes"], env);
    expect(second.code).toBe(0);
    expect(second.stdout + second.stderr).toMatch(
      /not approving Pay £3,600\.00 .* automatically \(--yes\): it breaks a rule of the pack: claim CLM-1001 is already settled/,
    );
    // The answer says why the payment was not made.
    expect(second.stdout).toMatch(
      /The payment was not made: .*Not approved by --yes: it breaks a rule of the pack: claim CLM-1001 is already settled; claim CLM-1001 has £3600\.00 paid of £3600\.00 due/,
    );
    expect(await paymentsFor(t.storage)).toEqual([expect.objectContaining({ amount: 3600 })]);
    t.runtime = await openRuntime(t.storage);
  });

  it("shows a reviewer the rule a payment breaks; a reviewer who approves it knowingly has it made", async () => {
    await answerUntilDone(t.runtime, (await t.runtime.startRun({ task: DEMO_TASK })).id, () => ({ type: "approve" }));
    const again = await t.runtime.waitForRun((await t.runtime.startRun({ task: DEMO_TASK })).id);
    const payment = again.pendingApprovals.find((a) => a.action.name === "issue_payment")!;
    expect(payment.violations).toEqual([
      "claim CLM-1001 is already settled",
      "claim CLM-1001 has £3600.00 paid of £3600.00 due, and £3600.00 more would pay more than is due",
    ]);
    expect(payment.reasons).toContain("it breaks a rule of the pack: claim CLM-1001 is already settled");
    await answerUntilDone(t.runtime, again.id, () => ({ type: "approve" }));
    expect((await paymentsFor(t.storage)).map((p) => p.amount)).toEqual([3600, 3600]);
  });

  it("keeps a rule a reviewer approved knowingly approved when the payment is tried again after an outage", async () => {
    await answerUntilDone(t.runtime, (await t.runtime.startRun({ task: DEMO_TASK })).id, () => ({ type: "approve" }));
    const again = await t.runtime.waitForRun((await t.runtime.startRun({ task: DEMO_TASK })).id);
    const payment = again.pendingApprovals.find((a) => a.action.name === "issue_payment")!;
    expect(payment.violations).toHaveLength(2);
    const lock = await lockPayments(t.storage);
    await t.runtime.decide(payment.id, { type: "approve" });
    const retry = (await t.runtime.waitForRun(again.id)).pendingApprovals[0]!;
    expect(retry.description).toMatch(/could not be done: .*unavailable/);
    await lock.release();
    await answerUntilDone(t.runtime, again.id, () => ({ type: "approve" }));
    // Tried again under its first key, and not refused for the rules the reviewer approved it breaking.
    expect((await paymentsFor(t.storage)).map((p) => p.amount)).toEqual([3600, 3600]);
    const results = eventsOfType(await t.runtime.listEvents(again.id), "tool.result").filter((e) => e.data.tool === "issue_payment");
    expect(results.map((e) => e.data.refused ?? false)).toEqual([false, false]);
  });

  it("refuses to pay a declined claim: no approval is asked, nothing is paid, and the run says why", async () => {
    const run = await t.runtime.waitForRun(
      (await t.runtime.startRun({ task: "Customer on claim CLM-1006 says the shower leaked. Work out the payout and pay it." })).id,
    );
    const { run: done, asked } = await answerUntilDone(t.runtime, run.id, () => ({ type: "approve" }));
    expect(asked.map((a) => a.action.name)).not.toContain("issue_payment");
    expect(await paymentsFor(t.storage, "CLM-1006")).toEqual([]);
    const refused = eventsOfType(await t.runtime.listEvents(run.id), "tool.result").filter((e) => e.data.refused);
    expect(refused.map((e) => [e.data.tool, e.data.error])).toEqual([
      ["issue_payment", "not done: claim CLM-1006 is declined, and a declined claim is not paid"],
    ]);
    expect(done.result?.answer).toMatch(/CLM-1006 is declined, and a declined claim is not paid/);
  });

  it("checks the rules again inside the payment's transaction: of two payments asked before either was made, only the first is made", async () => {
    const [a, b] = await Promise.all([t.runtime.startRun({ task: DEMO_TASK }), t.runtime.startRun({ task: DEMO_TASK })]);
    const paymentOf = async (runId: string) =>
      (await t.runtime.waitForRun(runId)).pendingApprovals.find((x) => x.action.name === "issue_payment")!;
    const [first, second] = [await paymentOf(a.id), await paymentOf(b.id)];
    // Both were proposed while nothing was paid: neither breaks a rule yet.
    expect([first.violations, second.violations]).toEqual([undefined, undefined]);
    await t.runtime.decide(first.id, { type: "approve" });
    await t.runtime.decide(second.id, { type: "approve" });
    await answerUntilDone(t.runtime, a.id, () => ({ type: "approve" }));
    await answerUntilDone(t.runtime, b.id, () => ({ type: "approve" }));
    expect(await paymentsFor(t.storage)).toHaveLength(1);
    const results = [
      ...eventsOfType(await t.runtime.listEvents(a.id), "tool.result"),
      ...eventsOfType(await t.runtime.listEvents(b.id), "tool.result"),
    ].filter((e) => e.data.tool === "issue_payment");
    expect(results.map((e) => e.data.error ?? "paid").sort()).toEqual([
      "issue_payment was not done: claim CLM-1001 is already settled; claim CLM-1001 has £3600.00 paid of £3600.00 due, and £3600.00 more would pay more than is due",
      "paid",
    ]);
  });
});
