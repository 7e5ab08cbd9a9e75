import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { SqlDialect } from "../../agents/backend/index.ts";
import { isGuildError } from "../../agents/errors/index.ts";
import { CLAIMS_SCHEMA, ENGINES, paymentsOf, useClaimsBackends } from "../support/claims-backends.ts";

const t = useClaimsBackends();

const PAY = { claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" };

/** Holds a write lock on the claims back-end from another connection for `ms`, as another process would. */
async function holdLock(engine: SqlDialect, ms: number): Promise<{ released: Promise<void> }> {
  if (engine === "sqlite") {
    const other = new Database(t.file);
    other.exec("BEGIN EXCLUSIVE");
    return {
      released: sleep(ms)
        .then(() => void other.exec("COMMIT"))
        .finally(() => other.close()),
    };
  }
  const other = new pg.Client({ connectionString: t.url });
  await other.connect();
  await other.query("BEGIN");
  await other.query(`LOCK TABLE ${CLAIMS_SCHEMA}.payments IN ACCESS EXCLUSIVE MODE`);
  return {
    released: sleep(ms)
      .then(() => other.query("COMMIT"))
      .then(() => other.end()),
  };
}

/** Watches the event loop with a 10 ms timer: the longest gap between its ticks, and how many there were. */
function watchEventLoop(): { stop(): { longestGapMs: number; ticks: number } } {
  let last = performance.now();
  let longestGapMs = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    ticks += 1;
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return { longestGapMs, ticks };
    },
  };
}

describe.each(ENGINES)("a lock another connection holds on %s", (engine) => {
  it("makes the effect wait, without stopping the event loop, and then land once", async () => {
    const backend = await t.open(engine);
    const lock = await holdLock(engine, 1500);
    const loop = watchEventLoop();
    const started = performance.now();
    const outcome = await t.call(backend, "issue_payment", PAY, "run-1:pay");
    const waitedMs = performance.now() - started;
    const { longestGapMs, ticks } = loop.stop();
    await lock.released;

    expect(outcome).toEqual({ result: { payment_id: 20, payment_reference: "PAY-000020", paid_amount: 3600 }, replayed: false });
    expect(waitedMs).toBeGreaterThanOrEqual(1300);
    // The timer kept ticking all along: nothing held the event loop while the lock was out of reach.
    expect(longestGapMs).toBeLessThan(500);
    expect(ticks).toBeGreaterThan(40);
    expect(await paymentsOf(t, engine, "CLM-1001")).toBe(1);
  });

  it("past the retry budget, fails as transient, lands nothing, and leaves the key free for a retry", async () => {
    const retried: unknown[] = [];
    const backend = await t.open(engine, { retry: { budgetMs: 300, onRetry: (error) => retried.push(error) }, lockTimeoutMs: 100 });
    const lock = await holdLock(engine, 1500);
    const error = await (t.call(backend, "issue_payment", PAY, "run-2:pay") as Promise<unknown>).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isGuildError(error) && error.code).toBe("tool_error");
    expect(isGuildError(error) && error.details).toMatchObject({ transient: true });
    expect((error as Error).message).toContain("the back-end is unavailable");
    expect(retried.length).toBeGreaterThan(0);
    await lock.released;

    expect(await paymentsOf(t, engine, "CLM-1001")).toBe(0);
    expect(await t.call(backend, "issue_payment", PAY, "run-2:pay")).toMatchObject({
      replayed: false,
      result: { payment_reference: "PAY-000020" },
    });
    expect(await paymentsOf(t, engine, "CLM-1001")).toBe(1);
  });
});
