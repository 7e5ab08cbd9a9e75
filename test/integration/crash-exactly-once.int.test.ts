import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { eventsOfType, type Approval, type Decision, type Run, type RunEvent } from "../../server/contract/index.ts";
import { serve } from "../support/cli.ts";
import { DEMO_TASK, request, until } from "../support/clients.ts";
import { readLedger, resolutionsOf, unapprovedEffects } from "../support/ledger.ts";
import { demoScript, roleOf } from "../support/openai-demo.ts";
import { fault, startScriptedOpenAI, type ScriptedOpenAI } from "../support/openai-server.ts";
import { freshStorage, type TestStorage } from "../support/storage.ts";

/**
 * A `guild serve` process is killed with SIGKILL at each point in the life of an approved effect;
 * the next process on the same storage (data directory, or Postgres database) finishes the run with each approved effect exactly
 * once and no other.
 */

type Served = Awaited<ReturnType<typeof serve>>;

/** What one test starts, each stopped or removed when the test finishes (the tests run concurrently). */
interface Kit {
  /** A fresh place to keep everything, on the engine under test. */
  storage(): Promise<TestStorage>;
  /** `guild serve` on that place with a short lease, so that a dead process's run is taken over at once. */
  start(place: TestStorage, env?: Record<string, string>): Promise<Served>;
  /** Runs once the test has finished. */
  finally(cleanup: () => void | Promise<void>): void;
}

function kitOf(onTestFinished: (fn: () => void | Promise<void>) => void): Kit {
  const kit: Kit = {
    async storage() {
      const place = await freshStorage("guild-crash-");
      onTestFinished(place.remove);
      return place;
    },
    async start(place, env = {}) {
      const served = await serve({ ...place.env, GUILD_LEASE_MS: "500", ...env });
      // Registered after the storage's removal, so it runs first (last registered, first run).
      onTestFinished(async () => {
        if (served.child.exitCode !== null || served.child.signalCode !== null) return;
        const closed = once(served.child, "close");
        served.child.kill("SIGKILL");
        await closed;
      });
      return served;
    },
    finally: onTestFinished,
  };
  return kit;
}

/** Kills the process as a crash would, and resolves once it is gone. */
async function crash(served: Served): Promise<void> {
  const closed = once(served.child, "close");
  served.child.kill("SIGKILL");
  const [, signal] = await closed;
  expect(signal).toBe("SIGKILL");
}

const get = async <T>(url: string, path: string): Promise<T> => (await request(url, "GET", path)).body as T;
const runOf = async (url: string, runId: string) => (await get<{ run: Run }>(url, `/api/runs/${runId}`)).run;
const eventsOf = async (url: string, runId: string) => (await get<{ events: RunEvent[] }>(url, `/api/runs/${runId}/events`)).events;

/** Waits until the run pauses for `tool` (and only it) or ends; returns the run. */
async function pausedAt(url: string, runId: string, tool: string, timeoutMs = 30_000): Promise<Run> {
  const run = await until(
    `run ${runId} to ask for ${tool}`,
    async () => {
      const r = await runOf(url, runId);
      if (["completed", "failed", "cancelled"].includes(r.status)) return r;
      return r.status === "awaiting_approval" && r.pendingApprovals.length > 0 && r;
    },
    timeoutMs,
  );
  expect(run.status, JSON.stringify(run.error ?? {})).toBe("awaiting_approval");
  expect(run.pendingApprovals.map((a) => a.action.name)).toEqual([tool]);
  return run;
}

const decide = (url: string, approval: Approval, decision: Decision) =>
  request(url, "POST", `/api/approvals/${approval.id}/decision`, decision);

/** Approves the email the run asks for next and waits for the run to complete. */
async function approveEmailAndFinish(url: string, runId: string): Promise<Run> {
  const paused = await pausedAt(url, runId, "send_email");
  expect((await decide(url, paused.pendingApprovals[0]!, { type: "approve" })).status).toBe(200);
  return until(
    `run ${runId} to complete`,
    async () => {
      const r = await runOf(url, runId);
      return ["completed", "failed", "cancelled"].includes(r.status) && r;
    },
    30_000,
  );
}

/**
 * What must hold once the run has ended: the payment the reviewer approved (or none), one email,
 * one effect record per effect, every effect approved with the args it ran with, each approval
 * resolved once in the log, and a log numbered without gaps.
 */
async function expectExactlyOnce(
  place: TestStorage,
  url: string,
  runId: string,
  payment: { amount: number; payee: string } | undefined,
): Promise<RunEvent[]> {
  const run = await runOf(url, runId);
  expect(run.status).toBe("completed");
  const ledger = await readLedger(place);
  expect(ledger.payments.filter((p) => p.claimId === "CLM-1001").map(({ amount, payee }) => ({ amount, payee }))).toEqual(
    payment ? [payment] : [],
  );
  expect(ledger.emails.filter((e) => e.claimId === "CLM-1001")).toHaveLength(1);
  expect(ledger.effects.map((e) => e.tool).sort()).toEqual(payment ? ["issue_payment", "send_email"] : ["send_email"]);
  expect(new Set(ledger.effects.map((e) => e.key)).size).toBe(ledger.effects.length);
  expect(unapprovedEffects(ledger)).toEqual([]);

  const events = await eventsOf(url, runId);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  const resolved = resolutionsOf(events);
  const decided = ledger.approvals.filter((a) => a.runId === runId && a.status !== "pending");
  expect(decided.length).toBeGreaterThanOrEqual(2);
  for (const approval of decided) expect(resolved.get(approval.id), `approval.resolved of ${approval.action}`).toBe(1);
  expect([...resolved.keys()].sort()).toEqual(decided.map((a) => a.id).sort());
  // One result per effect that ran, whichever process told it.
  const results = eventsOfType(events, "tool.result").filter((e) => ["issue_payment", "send_email"].includes(String(e.data.tool)));
  expect(results.map((e) => e.data.tool).sort()).toEqual(ledger.effects.map((e) => e.tool).sort());
  expect(results.every((e) => e.data.error === undefined)).toBe(true);
  expect(run.result!.answer.length).toBeGreaterThan(0);
  return events;
}

/** The payments made on the demo claim (the seed has payments on other claims). */
const paidOnDemoClaim = async (place: TestStorage) => (await readLedger(place)).payments.filter((p) => p.claimId === "CLM-1001");

const EDITED = { claimId: "CLM-1001", amount: 3000, payee: "Eleanor Whitfield" };

/** Runs the demo to the payment, decides it with the failpoint armed, and checks the process died there. */
async function crashAt(kit: Kit, failpoint: string, decision: Decision): Promise<{ dir: TestStorage; runId: string; payment: Approval }> {
  const dir = await kit.storage();
  const first = await kit.start(dir, { GUILD_FAILPOINT: failpoint });
  const runId = ((await request(first.url, "POST", "/api/runs", { task: DEMO_TASK })).body as { run: Run }).run.id;
  const payment = (await pausedAt(first.url, runId, "issue_payment")).pendingApprovals[0]!;
  const closed = once(first.child, "close");
  // The answer may never come: the process may die before it answers.
  await decide(first.url, payment, decision).catch(() => undefined);
  const [, signal] = await closed;
  expect(signal).toBe("SIGKILL");
  expect(first.logs()).toContain(`guild: failpoint ${failpoint} reached`);
  // At every failpoint the decision is already committed.
  const stored = (await readLedger(dir)).approvals.find((a) => a.id === payment.id)!;
  expect(stored).toMatchObject({ status: { approve: "approved", edit: "edited", reject: "rejected" }[decision.type as string], decision });
  return { dir, runId, payment };
}

// Each test has its own data directory and processes. The tests of a block run together (mostly they
// wait on processes), the blocks one after the other: at most three `guild serve` at a time.
describe("exactly once across crashes of guild serve: mid-step, while paused, after a rejection", () => {
  it.concurrent("(a) killed while a specialist's model call is under way: the next process re-runs the step, and pays once", async ({
    onTestFinished,
  }) => {
    const kit = kitOf(onTestFinished);
    const dir = await kit.storage();
    // The payments officer's first turn hangs until the process dies; after the restart it answers at once.
    let stalled = false;
    const model: ScriptedOpenAI = await startScriptedOpenAI((req) => {
      if (roleOf(req) === "payments_officer" && !stalled) {
        stalled = true;
        return fault.slow(30_000, demoScript(req));
      }
      return demoScript(req);
    });
    kit.finally(() => model.close());
    const env = { GUILD_MODEL: "openai:test-small", OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "test-key" };

    const first = await kit.start(dir, env);
    const runId = ((await request(first.url, "POST", "/api/runs", { task: DEMO_TASK })).body as { run: Run }).run.id;
    await until("the payments officer's model call to be under way", () => stalled);
    expect((await runOf(first.url, runId)).status).toBe("running");
    await crash(first);

    const second = await kit.start(dir, env);
    const paused = await pausedAt(second.url, runId, "issue_payment");
    expect(await paidOnDemoClaim(dir)).toEqual([]);
    expect((await decide(second.url, paused.pendingApprovals[0]!, { type: "approve" })).status).toBe(200);
    await approveEmailAndFinish(second.url, runId);

    const events = await expectExactlyOnce(dir, second.url, runId, { amount: 3600, payee: "Eleanor Whitfield" });
    // The step really was cut short and run again: its first model call went unanswered and was made
    // again (then the payment, then the report), and the run started once.
    const officer = model.requests.flatMap((r, i) => (roleOf(r) === "payments_officer" ? [i] : []));
    expect(officer).toHaveLength(4);
    expect(model.abandoned).toEqual([officer[0]]);
    expect(eventsOfType(events, "run.started")).toHaveLength(1);
  });

  it.concurrent("(b) killed while paused: the next process takes the decision and pays once", async ({ onTestFinished }) => {
    const kit = kitOf(onTestFinished);
    const dir = await kit.storage();
    const first = await kit.start(dir);
    const runId = ((await request(first.url, "POST", "/api/runs", { task: DEMO_TASK })).body as { run: Run }).run.id;
    const before = await pausedAt(first.url, runId, "issue_payment");
    expect((await eventsOf(first.url, runId)).some((e) => e.type === "approval.requested")).toBe(true);
    await crash(first);

    const second = await kit.start(dir);
    const paused = await pausedAt(second.url, runId, "issue_payment");
    expect(paused.pendingApprovals[0]!.id).toBe(before.pendingApprovals[0]!.id);
    expect((await decide(second.url, paused.pendingApprovals[0]!, { type: "approve" })).status).toBe(200);
    await approveEmailAndFinish(second.url, runId);
    await expectExactlyOnce(dir, second.url, runId, { amount: 3600, payee: "Eleanor Whitfield" });
  });

  it.concurrent("killed after a rejection is stored: the next process carries on without paying, and says so", async ({
    onTestFinished,
  }) => {
    const kit = kitOf(onTestFinished);
    const { dir, runId } = await crashAt(kit, "decision.stored", { type: "reject", message: "needs a loss adjuster first" });
    const second = await kit.start(dir);
    await approveEmailAndFinish(second.url, runId);
    await expectExactlyOnce(dir, second.url, runId, undefined);
    const run = await runOf(second.url, runId);
    expect(run.result!.answer).toMatch(/payment was not made/i);
    expect(eventsOfType(await eventsOf(second.url, runId), "tool.called").some((e) => e.data.tool === "issue_payment")).toBe(false);
  });
});

describe("exactly once across crashes of guild serve: at each failpoint of an approved effect", () => {
  it.concurrent("(c) killed after an edit decision is stored, before the run resumes: the next process pays the edited amount once", async ({
    onTestFinished,
  }) => {
    const kit = kitOf(onTestFinished);
    const { dir, runId, payment } = await crashAt(kit, "decision.stored", { type: "edit", args: EDITED, reviewer: "ana" });
    expect(await paidOnDemoClaim(dir)).toEqual([]);
    const second = await kit.start(dir);
    // Nobody decides again: the sweep resumes the decided run.
    await approveEmailAndFinish(second.url, runId);
    await expectExactlyOnce(dir, second.url, runId, { amount: 3000, payee: "Eleanor Whitfield" });
    expect((await get<{ approval: Approval }>(second.url, `/api/approvals/${payment.id}`)).approval).toMatchObject({
      status: "edited",
      decision: { reviewer: "ana" },
    });
  });

  it.concurrent("(c) killed as the resumed run is about to pay: the next process pays once", async ({ onTestFinished }) => {
    const kit = kitOf(onTestFinished);
    const { dir, runId } = await crashAt(kit, "effect.before", { type: "approve" });
    expect(await paidOnDemoClaim(dir)).toEqual([]);
    const second = await kit.start(dir);
    await approveEmailAndFinish(second.url, runId);
    await expectExactlyOnce(dir, second.url, runId, { amount: 3600, payee: "Eleanor Whitfield" });
  });

  it.concurrent("(d) killed right after the payment commits, before the graph records it: the next process replays the receipt, it does not pay again", async ({
    onTestFinished,
  }) => {
    const kit = kitOf(onTestFinished);
    const { dir, runId } = await crashAt(kit, "effect.after", { type: "edit", args: EDITED });
    // The payment is in the back-end, with its key, and the graph does not know yet.
    expect((await paidOnDemoClaim(dir)).map((p) => p.amount)).toEqual([3000]);
    const second = await kit.start(dir);
    await approveEmailAndFinish(second.url, runId);
    const events = await expectExactlyOnce(dir, second.url, runId, { amount: 3000, payee: "Eleanor Whitfield" });
    const paid = eventsOfType(events, "tool.result").filter((e) => e.data.tool === "issue_payment");
    expect(paid.map((e) => e.data.replayed)).toEqual([true]);
  });
});
