import { describe, expect, it } from "vitest";
import { isGuildError, type GuildErrorCode } from "../../agents/errors/index.ts";
import { BUILTIN_PACKS_DIR } from "../../agents/packs/index.ts";
import { FIXTURE_PACKS } from "../support/cli.ts";
import { DEMO_TASK, effectsOf, openRuntime, useRuntime } from "../support/runtime.ts";

const t = useRuntime();

/** The error a call throws, which must be a GuildError with the given code. */
async function failure(call: () => unknown, code: GuildErrorCode): Promise<{ message: string; details: unknown }> {
  try {
    await call();
  } catch (error) {
    expect(isGuildError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    return error as { message: string; details: unknown };
  }
  throw new Error(`expected a ${code} error`);
}

async function pausedAtPayment() {
  const run = await t.runtime.startRun({ task: DEMO_TASK });
  const paused = await t.runtime.waitForRun(run.id);
  expect(paused.status).toBe("awaiting_approval");
  return { runId: run.id, approval: paused.pendingApprovals[0]! };
}

describe("deciding an approval", () => {
  it("refuses a second decision on the same approval, and pays once", async () => {
    const { runId, approval } = await pausedAtPayment();
    await t.runtime.decide(approval.id, { type: "approve" });
    const second = await failure(() => t.runtime.decide(approval.id, { type: "reject" }), "conflict");
    expect(second.message).toMatch(/no longer pending/);
    const run = await t.runtime.waitForRun(runId);
    expect((await t.runtime.getApproval(approval.id)).status).toBe("approved");
    expect(run.pendingApprovals.map((a) => a.action.name)).toEqual(["send_email"]);
    expect((await effectsOf(t.runtime)).payments).toBe(1);
  });

  it("lets exactly one of many concurrent decisions win", async () => {
    const { runId, approval } = await pausedAtPayment();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => t.runtime.decide(approval.id, i % 2 ? { type: "approve" } : { type: "reject" })),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const o of outcomes) if (o.status === "rejected") expect((o.reason as { code: string }).code).toBe("conflict");
    await t.runtime.waitForRun(runId);
    const resolved = (await t.runtime.listEvents(runId)).filter((e) => e.type === "approval.resolved" && e.data.approvalId === approval.id);
    expect(resolved).toHaveLength(1);
    expect((await effectsOf(t.runtime)).payments).toBeLessThanOrEqual(1);
  });
});

describe("bad input is refused clearly and changes nothing", () => {
  it.each([
    ["an empty task", { task: "   " }, "task"],
    ["no task", {}, "task"],
    ["a task that is not text", { task: 42 }, "task"],
    ["an oversize task", { task: "x".repeat(20_001) }, "task"],
    ["an unknown pack", { task: DEMO_TASK, pack: "space-tourism" }, "pack"],
    ["an unknown option", { task: DEMO_TASK, options: { fast: true } }, "options.fast"],
  ])("starting a run with %s", async (_, input, field) => {
    const error = await failure(() => t.runtime.startRun(input), "invalid_input");
    expect((error.details as { field: string }).field).toBe(field);
    expect(await t.runtime.listRuns()).toEqual([]);
  });

  it("an unknown run or approval is not found", async () => {
    await failure(() => t.runtime.getRun("run_nope"), "not_found");
    await failure(() => t.runtime.decide("apr_nope", { type: "approve" }), "not_found");
  });

  it("a decision of a shape the contract does not know", async () => {
    const { approval } = await pausedAtPayment();
    await failure(() => t.runtime.decide(approval.id, { type: "maybe" }), "invalid_input");
    await failure(() => t.runtime.decide(approval.id, { type: "respond", message: "" }), "invalid_input");
    await failure(() => t.runtime.decide(approval.id, { type: "redirect" }), "invalid_input");
    expect((await t.runtime.getApproval(approval.id)).status).toBe("pending");
  });

  it("a decision type the approval does not allow, or edited arguments that do not validate", async () => {
    const plan = await t.runtime.startRun({ task: DEMO_TASK, options: { planApproval: true } });
    const planApproval = (await t.runtime.waitForRun(plan.id)).pendingApprovals[0]!;
    const redirect = await failure(
      () => t.runtime.decide(planApproval.id, { type: "redirect", specialist: "communications" }),
      "invalid_input",
    );
    expect(redirect.message).toMatch(/does not allow 'redirect'/);
    await failure(
      () => t.runtime.decide(planApproval.id, { type: "edit", args: { steps: [{ specialist: "astrologer", instruction: "x" }] } }),
      "invalid_input",
    );
    expect((await t.runtime.getApproval(planApproval.id)).status).toBe("pending");

    const { approval } = await pausedAtPayment();
    const edit = await failure(
      () => t.runtime.decide(approval.id, { type: "edit", args: { ...approval.action.args, amount: "lots" } }),
      "invalid_input",
    );
    expect((edit.details as { field: string }).field).toBe("args.amount");
    // Said plainly, every field at fault at once.
    const both = await failure(
      () => t.runtime.decide(approval.id, { type: "edit", args: { ...approval.action.args, amount: 0, payee: "", claimId: "C1" } }),
      "invalid_input",
    );
    expect(both.message).toBe(
      "edited arguments for issue_payment: claimId: must look like CLM-1001; amount: must be at least 0.01; payee: must not be empty",
    );
    expect((both.details as { issues: unknown[] }).issues).toEqual([
      { field: "args.claimId", message: "must look like CLM-1001" },
      { field: "args.amount", message: "must be at least 0.01" },
      { field: "args.payee", message: "must not be empty" },
    ]);
    await failure(() => t.runtime.decide(approval.id, { type: "redirect", specialist: "nobody" }), "invalid_input");
    expect((await t.runtime.getApproval(approval.id)).status).toBe("pending");
    expect((await effectsOf(t.runtime)).payments).toBe(0);
  });

  it("cancelling stops the run and expires its approvals; a finished run cannot be cancelled", async () => {
    const { runId, approval } = await pausedAtPayment();
    const cancelled = await t.runtime.cancel(runId);
    expect(cancelled.status).toBe("cancelled");
    expect((await t.runtime.getApproval(approval.id)).status).toBe("expired");
    await failure(() => t.runtime.decide(approval.id, { type: "approve" }), "conflict");
    await failure(() => t.runtime.cancel(runId), "conflict");
    expect((await effectsOf(t.runtime)).payments).toBe(0);
    expect((await t.runtime.listEvents(runId)).at(-1)!.type).toBe("run.cancelled");
  });

  it("a run cancelled while a step executes stops there and stays cancelled", async () => {
    await t.runtime.close();
    t.runtime = await openRuntime(t.storage, { packDirs: [BUILTIN_PACKS_DIR, FIXTURE_PACKS] });
    const run = await t.runtime.startRun({ task: "Look up REF-001 in the archive and record a note", pack: "slow-archive" });
    const cancelling = new Promise<void>((resolve) => {
      const stop = t.runtime.onEvent((event) => {
        if (event.runId === run.id && event.type === "tool.called") {
          stop();
          resolve(t.runtime.cancel(run.id).then(() => undefined));
        }
      });
    });
    await cancelling;
    const after = await t.runtime.waitForRun(run.id);
    expect(after.status).toBe("cancelled");
    const types = (await t.runtime.listEvents(run.id)).map((e) => e.type);
    expect(types.at(-1)).toBe("run.cancelled");
    expect(types).not.toContain("approval.requested");
    expect(types).not.toContain("run.completed");
    expect(await t.runtime.backendOf("slow-archive").count("notes")).toBe(0);
  });
});
