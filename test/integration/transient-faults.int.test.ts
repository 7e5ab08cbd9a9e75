import { describe, expect, it } from "vitest";
import { eventsOfType, type Approval, type Run, type RunEvent } from "../../server/contract/index.ts";
import { readLedger, unapprovedEffects } from "../support/ledger.ts";
import { holdSqliteWriteLock, lockPayments, lockTables, type HeldLock } from "../support/locks.ts";
import { answerUntilDone, DEMO_TASK, type StoragePlace, useRuntime } from "../support/runtime.ts";
import { request, until, useServer } from "../support/server.ts";

/** Open claims of the seed whose customers get an email; each run writes to one. */
const CLAIMS = ["CLM-1001", "CLM-1005", "CLM-1008", "CLM-1010", "CLM-1015", "CLM-1016", "CLM-1020", "CLM-1021", "CLM-1026", "CLM-1028"];
const emailTask = (claimId: string) => `Email the customer on claim ${claimId} about the progress of their claim.`;

/**
 * The runtime's own database locked, as an operator's long maintenance transaction would: on
 * SQLite the file's exclusive lock, on Postgres Guild's main tables locked for access.
 */
async function lockRuntimeDatabase(place: StoragePlace): Promise<HeldLock> {
  if (!place.databaseUrl) return holdSqliteWriteLock(place.dataDir, "EXCLUSIVE");
  return lockTables(place.databaseUrl, ["guild.runs", "guild.events", "guild.approvals"]);
}

describe("a database locked for 10 s", () => {
  const t = useServer();

  it("holds 20 runs up, fails none, repeats no effect, and the API answers throughout", async () => {
    const started = performance.now();
    const runIds: string[] = [];
    for (let i = 0; i < 20; i += 1)
      runIds.push((await t.api<{ run: Run }>("POST", "/api/runs", { task: emailTask(CLAIMS[i % CLAIMS.length]!) })).body.run.id);
    // A reviewer approves every email as it is asked, over REST, all along.
    let approving = true;
    const reviewer = (async () => {
      while (approving) {
        const { body } = await t.api<{ approvals: Approval[] }>("GET", "/api/approvals");
        for (const a of body.approvals) await t.api("POST", `/api/approvals/${a.id}/decision`, { type: "approve" });
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await until("some runs to be under way", async () =>
      (await t.api<{ runs: Run[] }>("GET", "/api/runs")).body.runs.some((r) => r.status !== "queued"),
    );

    const lock = await lockRuntimeDatabase(t.storage);
    const health: number[] = [];
    try {
      const until10s = performance.now() + 10_000;
      while (performance.now() < until10s) {
        const asked = performance.now();
        const answer = await request(t.url, "GET", "/api/health");
        expect(answer.status).toBe(200);
        health.push(performance.now() - asked);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await lock.release();
    }
    // The event loop never waited on the lock: health answered at once all through the 10 s.
    expect(health.length).toBeGreaterThan(50);
    expect(Math.max(...health)).toBeLessThan(1000);

    const runs = await until(
      "every run to end",
      async () => {
        const all = await Promise.all(runIds.map(async (id) => (await t.api<{ run: Run }>("GET", `/api/runs/${id}`)).body.run));
        return all.every((r) => ["completed", "failed", "cancelled"].includes(r.status)) && all;
      },
      90_000,
    );
    approving = false;
    await reviewer;
    expect(runs.map((r) => r.status)).toEqual(runIds.map(() => "completed"));
    expect(performance.now() - started).toBeGreaterThan(10_000);
    const ledger = await readLedger(t.storage);
    expect(ledger.emails).toHaveLength(20);
    expect(new Set(ledger.effects.map((e) => e.key)).size).toBe(20);
    expect(unapprovedEffects(ledger)).toEqual([]);
    for (const id of runIds) {
      const events = (await t.api<{ events: RunEvent[] }>("GET", `/api/runs/${id}/events`)).body.events;
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    }
  });
});

describe("a back-end that is unavailable when an approved payment is made", () => {
  const t = useRuntime({ storageRetry: { budgetMs: 1000 } });

  const pausedAtPayment = async (task: string) => {
    const run = await t.runtime.waitForRun((await t.runtime.startRun({ task })).id);
    expect(run.pendingApprovals.map((a) => a.action.name)).toEqual(["issue_payment"]);
    return { runId: run.id, payment: run.pendingApprovals[0]! };
  };
  const paymentsOn = async (claimId: string) => (await readLedger(t.storage)).payments.filter((p) => p.claimId === claimId);

  it("retries a short outage under the idempotency key: the payment lands once and the run goes on", async () => {
    const { runId, payment } = await pausedAtPayment(DEMO_TASK);
    const lock = await lockPayments(t.storage);
    setTimeout(() => void lock.release(), 400);
    await t.runtime.decide(payment.id, { type: "approve" });
    const { run } = await answerUntilDone(t.runtime, runId, () => ({ type: "approve" }));
    expect(run.status).toBe("completed");
    expect((await paymentsOn("CLM-1001")).map((p) => p.amount)).toEqual([3600]);
    const results = eventsOfType(await t.runtime.listEvents(runId), "tool.result").filter((e) => e.data.tool === "issue_payment");
    expect(results.map((e) => e.data.error)).toEqual([undefined]);
    expect(run.result!.answer).toMatch(/PAY-\d{6}/);
  });

  it("asks a reviewer once the outage outlasts the retries: try again pays once under the first key; skip pays nothing, and the answer says so", async () => {
    // Try again, twice: the first while the back-end is still locked, the second once it is free.
    const first = await pausedAtPayment(DEMO_TASK);
    const lock = await lockPayments(t.storage);
    await t.runtime.decide(first.payment.id, { type: "approve" });
    const asked = await t.runtime.waitForRun(first.runId);
    const retry = asked.pendingApprovals[0]!;
    expect(retry.action).toEqual(first.payment.action);
    expect(retry.allowed).toEqual({ approve: true, edit: false, reject: true, respond: false, redirect: false });
    expect(retry.description).toMatch(/could not be done: .*unavailable.*Try again\?/);
    await t.runtime.decide(retry.id, { type: "approve" });
    const again = (await t.runtime.waitForRun(first.runId)).pendingApprovals[0]!;
    expect(again.id).not.toBe(retry.id);
    expect(again.action.name).toBe("issue_payment");
    await lock.release();
    // (Read once the lock is gone: on Postgres the table cannot be read while it is held.)
    expect(await paymentsOn("CLM-1001")).toEqual([]);
    await t.runtime.decide(again.id, { type: "approve" });
    const paid = (await answerUntilDone(t.runtime, first.runId, () => ({ type: "approve" }))).run;
    expect(paid.status).toBe("completed");
    expect((await paymentsOn("CLM-1001")).map((p) => p.amount)).toEqual([3600]);
    const ledger = await readLedger(t.storage);
    // One effect, under the key of the call the reviewer first approved.
    const firstAttempt = eventsOfType(await t.runtime.listEvents(first.runId), "tool.called").find((e) => e.data.tool === "issue_payment")!;
    expect(ledger.effects.filter((e) => e.tool === "issue_payment").map((e) => e.key)).toEqual([
      `${first.runId}:${String(firstAttempt.data.callId)}`,
    ]);
    expect(unapprovedEffects(ledger)).toEqual([]);

    // Skip: the payment is not made, and nothing says it was.
    const second = await pausedAtPayment(
      "Customer on claim CLM-1016 reports a leak under the bath. Check the cover, work out the payout, pay it and email the customer.",
    );
    const lockAgain = await lockPayments(t.storage);
    await t.runtime.decide(second.payment.id, { type: "approve" });
    const skip = (await t.runtime.waitForRun(second.runId)).pendingApprovals[0]!;
    await lockAgain.release();
    await t.runtime.decide(skip.id, { type: "reject", message: "the payments system is down; pay it tomorrow" });
    const skipped = (await answerUntilDone(t.runtime, second.runId, () => ({ type: "approve" }))).run;
    expect(skipped.status).toBe("completed");
    expect(await paymentsOn("CLM-1016")).toEqual([]);
    expect(skipped.result!.answer).toMatch(/payment was not made/i);
    expect(skipped.result!.answer).not.toMatch(/PAY-\d{6}/);
    const failed = eventsOfType(await t.runtime.listEvents(second.runId), "tool.result").filter((e) => e.data.tool === "issue_payment");
    expect(failed.map((e) => e.data.unavailable)).toEqual([true]);
  });
});
