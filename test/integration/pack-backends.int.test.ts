import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openPostgresBackend, openSqliteBackend, packSchema, type Backend } from "../../agents/backend/index.ts";
import { isGuildError } from "../../agents/errors/index.ts";
import { loadPack } from "../../agents/packs/index.ts";
import { CLAIMS_SCHEMA, ENGINES, paymentsOf, useClaimsBackends } from "../support/claims-backends.ts";

const t = useClaimsBackends();

/** Awaits a call that must fail, and returns its error. */
async function failure(call: Promise<unknown>): Promise<Error & { code?: string; details?: unknown }> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** Claims of every kind: open, settled, declined, flagged customer, decimals, over the sum insured, unknown. */
const CLAIMS = ["CLM-1001", "CLM-1003", "CLM-1006", "CLM-1007", "CLM-1017", "CLM-1020", "CLM-1039", "CLM-1043", "CLM-9999"];
const CUSTOMERS = ["CUS-0001", "CUS-0007", "CUS-0012", "CUS-0020", "CUS-9999"];

/** Every query tool of the pack, for each claim or customer, on one back-end. */
async function answersOf(backend: Backend): Promise<Record<string, unknown>> {
  const answers: Record<string, unknown> = {};
  for (const tool of t.pack.tools.values()) {
    if (tool.kind !== "query") continue;
    const calls = "customerId" in tool.args ? CUSTOMERS.map((customerId) => ({ customerId })) : CLAIMS.map((claimId) => ({ claimId }));
    for (const args of calls) answers[`${tool.name}(${Object.values(args).join()})`] = await t.call(backend, tool.name, args);
  }
  return answers;
}

describe("the claims pack on SQLite and on Postgres", () => {
  it("answers every query tool the same, field for field and type for type", async () => {
    const [sqlite, postgres] = await Promise.all([t.open("sqlite"), t.open("postgres")]);
    const expected = await answersOf(sqlite);
    expect(await answersOf(postgres)).toStrictEqual(expected);

    // What the answers look like on both: numbers as numbers, dates as text, flags as 0 and 1.
    expect(expected["calculate_payout(CLM-1001)"]).toStrictEqual({
      claim_id: "CLM-1001",
      claimed_amount: 3850,
      sum_insured: 350000,
      excess: 250,
      amount: 3600,
      payee: "Eleanor Whitfield",
      customer_id: "CUS-0001",
    });
    expect(expected["check_fraud_indicators(CLM-1007)"]).toStrictEqual({
      claim_id: "CLM-1007",
      claims_last_12_months: 1,
      days_from_policy_start_to_incident: 9,
      days_to_report: 1,
      customer_flagged: 1,
      claimed_over_sum_insured: 1,
    });
    expect(expected["check_fraud_indicators(CLM-1001)"]).toMatchObject({ customer_flagged: 0, claimed_over_sum_insured: 0 });
    expect(expected["get_claim(CLM-1003)"]).toMatchObject({
      incident_date: "2026-09-12",
      reported_date: "2026-09-13",
      claimed_amount: 1275.5,
    });
    expect(expected["get_policy_for_claim(CLM-1001)"]).toMatchObject({ start_date: "2026-04-01", end_date: "2027-03-31" });
    expect(expected["list_customer_claims(CUS-0012)"]).toHaveLength(6);
    expect(expected["list_customer_claims(CUS-9999)"]).toEqual([]);
    expect(expected["get_claim(CLM-9999)"]).toBeNull();
  });

  it("pays and writes the same on both, and reads the same afterwards", async () => {
    const [sqlite, postgres] = await Promise.all([t.open("sqlite"), t.open("postgres")]);
    const steps: [string, Record<string, unknown>][] = [
      ["issue_payment", { claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" }],
      ["issue_payment", { claimId: "CLM-1010", amount: 4070.456, payee: "Michael Brennan" }],
      [
        "send_email",
        { claimId: "CLM-1001", to: "eleanor.whitfield@example.co.uk", subject: "Your claim", body: "Dear Eleanor, it's paid: £3,600." },
      ],
    ];
    const results: Record<string, unknown[]> = { sqlite: [], postgres: [] };
    for (const [i, [tool, args]] of steps.entries()) {
      for (const [engine, backend] of [
        ["sqlite", sqlite],
        ["postgres", postgres],
      ] as const) {
        const outcome = await t.call(backend, tool, args, `run-1:call-${i}`);
        results[engine]!.push(outcome);
      }
    }
    expect(results.postgres).toStrictEqual(results.sqlite);
    expect(results.sqlite).toStrictEqual([
      { result: { payment_id: 20, payment_reference: "PAY-000020", paid_amount: 3600 }, replayed: false },
      { result: { payment_id: 21, payment_reference: "PAY-000021", paid_amount: 4070.46 }, replayed: false },
      { result: { email_id: 1 }, replayed: false },
    ]);
    // The payment settled the claim (a trigger on both) and counts in the customer's history.
    expect(await answersOf(postgres)).toStrictEqual(await answersOf(sqlite));
    expect(await t.call(postgres, "get_claim", { claimId: "CLM-1001" })).toMatchObject({ claim_status: "settled" });
    expect(await t.call(postgres, "list_customer_claims", { customerId: "CUS-0001" })).toEqual([
      expect.objectContaining({ claim_id: "CLM-1001", total_paid: 3600 }),
    ]);
  });

  it("reads Postgres values the way SQLite gives them, on its own pool only", async () => {
    const backend = await t.open("postgres");
    const sql = {
      postgres:
        "SELECT 9007199254740991::int8 AS big, count(*) AS n, 12.50::numeric AS price, DATE '2026-02-03' AS day, TIMESTAMP '2026-02-03 04:05:06' AS at, true AS yes, false AS no, '{\"a\": 1}'::jsonb AS doc FROM customers",
    };
    expect(await backend.query(sql, {}, "row")).toStrictEqual({
      big: 9007199254740991,
      n: 22,
      price: 12.5,
      day: "2026-02-03",
      at: "2026-02-03 04:05:06",
      yes: 1,
      no: 0,
      doc: '{"a": 1}',
    });
    // pg's global parsers, which the rest of the process uses, are untouched.
    const { rows } = await t.admin.query("SELECT 1::int8 AS n, DATE '2026-02-03' AS day");
    expect(typeof rows[0].n).toBe("string");
    expect(rows[0].day).toBeInstanceOf(Date);
  });

  it("refuses a tool that has no SQL for the engine, naming it", async () => {
    const backend = await t.open("postgres");
    const error = await failure(backend.effect({ sqlite: "DELETE FROM payments" }, {}, "row", "k", "purge_payments"));
    expect(error).toMatchObject({ code: "invalid_pack", message: "purge_payments has no SQL for postgres" });
  });

  it("keeps the pack's tables in its own schema on Postgres", async () => {
    await t.open("postgres");
    expect(packSchema("insurance-claims")).toBe(CLAIMS_SCHEMA);
    const { rows } = await t.admin.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name", [
      CLAIMS_SCHEMA,
    ]);
    expect(rows.map((r) => r.table_name)).toEqual(["claims", "customers", "email_outbox", "guild_effects", "payments", "policies"]);
    const outside = await t.admin.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'");
    expect(outside.rows[0].n).toBe(0);
  });
});

describe.each(ENGINES)("effects on %s run exactly once", (engine) => {
  const PAY = { claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" };

  it("replays the stored result for a key that already ran", async () => {
    const backend = await t.open(engine);
    const first = await t.call(backend, "issue_payment", PAY, "run-1:pay");
    const again = await t.call(backend, "issue_payment", PAY, "run-1:pay");
    expect(again).toEqual({ result: (first as { result: unknown }).result, replayed: true });
    // Reopened, as after a restart: the key is still there.
    await backend.close();
    const reopened = await t.open(engine);
    expect(await t.call(reopened, "issue_payment", PAY, "run-1:pay")).toEqual(again);
    expect(await paymentsOf(t, engine, "CLM-1001")).toBe(1);
    expect(await reopened.count("payments", { claim_id: "CLM-1001" })).toBe(1);
  });

  it("refuses the same key with other arguments, for good", async () => {
    const backend = await t.open(engine);
    await t.call(backend, "issue_payment", PAY, "run-1:pay");
    const error = await failure(t.call(backend, "issue_payment", { ...PAY, amount: 50_000 }, "run-1:pay"));
    expect(isGuildError(error) && error.code).toBe("tool_error");
    expect(error.message).toContain("already used with other arguments");
    expect(error.details).toEqual({ transient: false });
    expect(await paymentsOf(t, engine, "CLM-1001")).toBe(1);
  });

  it("runs a key once when two back-ends race on it", async () => {
    const [a, b] = await Promise.all([t.open(engine), t.open(engine)]);
    const claims = ["CLM-1001", "CLM-1005", "CLM-1008", "CLM-1010", "CLM-1015", "CLM-1021"];
    for (const claimId of claims) {
      const args = { claimId, amount: 100, payee: "Payee" };
      const outcomes = (await Promise.all([a, b, a, b].map((backend) => t.call(backend, "issue_payment", args, `run-2:${claimId}`)))) as {
        result: unknown;
        replayed: boolean;
      }[];
      expect(
        outcomes.filter((o) => !o.replayed),
        claimId,
      ).toHaveLength(1);
      for (const outcome of outcomes) expect(outcome.result).toEqual(outcomes[0]!.result);
      expect(await paymentsOf(t, engine, claimId), claimId).toBe(1);
    }
    // No payment number was spent on a loser: references follow on from the seed.
    const references = await Promise.all(
      claims.map((claimId) => t.call(a, "issue_payment", { claimId, amount: 100, payee: "Payee" }, `run-2:${claimId}`)),
    );
    expect(references.map((r) => (r as { result: { payment_reference: string } }).result.payment_reference).sort()).toEqual([
      "PAY-000020",
      "PAY-000021",
      "PAY-000022",
      "PAY-000023",
      "PAY-000024",
      "PAY-000025",
    ]);
  });

  it("checks the business rules with the effect as one: of four payments of the whole amount raced on one claim, one is made", async () => {
    const [a, b] = await Promise.all([t.open(engine), t.open(engine)]);
    const tool = t.pack.tools.get("issue_payment")!;
    const checks = (tool.preconditions ?? []).map((rule) => rule.sql);
    const outcomes = await Promise.allSettled(
      [a, b, a, b].map((backend, i) => backend.effect(tool.sql, PAY, tool.spec.result, `run-${i}:pay`, "issue_payment", checks)),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const refused of outcomes.filter((o) => o.status === "rejected"))
      expect(String(refused.reason)).toContain("has £3600.00 paid of £3600.00 due");
    expect(await paymentsOf(t, engine, "CLM-1001")).toBe(1);
  });

  it("commits between its failpoints: a crash just after the commit leaves a key that replays", async () => {
    const seen: string[] = [];
    const crashing = await t.open(engine, {
      failpoint: (name) => {
        seen.push(name);
        if (name === "effect.after") throw new Error("crashed just after the commit");
      },
    });
    expect((await failure(t.call(crashing, "issue_payment", PAY, "run-1:pay"))).message).toBe("crashed just after the commit");
    expect(seen).toEqual(["effect.before", "effect.after"]);
    const restarted = await t.open(engine);
    expect(await t.call(restarted, "issue_payment", PAY, "run-1:pay")).toMatchObject({
      replayed: true,
      result: { payment_reference: "PAY-000020" },
    });
    expect(await paymentsOf(t, engine, "CLM-1001")).toBe(1);
  });

  it("treats a refusal by the back-end as final, and records no key for it", async () => {
    const backend = await t.open(engine);
    const args = { claimId: "CLM-1006", amount: 5950, payee: "Amara Okafor" };
    const error = await failure(t.call(backend, "issue_payment", args, "run-3:pay"));
    expect(isGuildError(error) && error.code).toBe("tool_error");
    expect(error.message).toBe("issue_payment failed in the back-end: payment refused: the claim has been declined");
    expect(error.details).toEqual({ transient: false });
    // Tried again under the same key, it is refused again rather than "replayed".
    expect((await failure(t.call(backend, "issue_payment", args, "run-3:pay"))).message).toContain("declined");
    expect(await paymentsOf(t, engine, "CLM-1006")).toBe(0);
    // A check constraint refuses the same way.
    expect(
      (await failure(t.call(backend, "issue_payment", { ...args, claimId: "CLM-1001", amount: -5 }, "run-3:negative"))).details,
    ).toEqual({ transient: false });
  });
});

describe("seeding", () => {
  it("seeds a Postgres schema once when several processes open it at the same moment", async () => {
    const backends = await Promise.all([1, 2, 3, 4].map(() => t.open("postgres")));
    const { rows } = await t.admin.query(
      `SELECT (SELECT count(*) FROM ${CLAIMS_SCHEMA}.customers)::int AS customers, (SELECT count(*) FROM ${CLAIMS_SCHEMA}.claims)::int AS claims, (SELECT count(*) FROM ${CLAIMS_SCHEMA}.payments)::int AS payments`,
    );
    expect(rows[0]).toEqual({ customers: 22, claims: 43, payments: 19 });
    for (const backend of backends) expect(await backend.count("customers")).toBe(22);
  });

  it("seeds a SQLite file once when two back-ends open it while a third connection holds it", async () => {
    fs.mkdirSync(path.dirname(t.file), { recursive: true });
    const holder = new Database(t.file);
    holder.pragma("journal_mode = WAL");
    holder.exec("BEGIN EXCLUSIVE");
    setTimeout(() => holder.open && holder.exec("COMMIT"), 300);
    try {
      const backends = await Promise.all([t.open("sqlite"), t.open("sqlite")]);
      for (const backend of backends) expect(await backend.count("customers")).toBe(22);
      expect(holder.pragma("user_version", { simple: true })).toBe(1);
    } finally {
      holder.close();
    }
  });

  it("creates the schema and seeds the slow-archive fixture, whose SQLite seed uses AUTOINCREMENT, on both", async () => {
    const archive = await loadPack(new URL("../fixtures/packs/slow-archive", import.meta.url).pathname);
    const sqlite = await openSqliteBackend(t.file.replace(/[^/]+$/, "slow-archive.sqlite"), archive.seed.sqlite ?? []);
    const postgres = await openPostgresBackend({
      connectionString: t.url,
      schema: packSchema(archive.id),
      seed: archive.seed.postgres ?? [],
      poolMax: 1,
    });
    try {
      const record = archive.tools.get("record_note")!;
      for (const backend of [sqlite, postgres]) {
        expect(await backend.effect(record.sql, { ref: "REF-001", note: "checked" }, "row", "run:1", record.name)).toEqual({
          result: { note_id: 1 },
          replayed: false,
        });
        expect(await backend.effect(record.sql, { ref: "REF-002", note: "checked" }, "row", "run:2", record.name)).toEqual({
          result: { note_id: 2 },
          replayed: false,
        });
      }
    } finally {
      await Promise.all([sqlite.close(), postgres.close()]);
      await t.admin.query("DROP SCHEMA pack_slow_archive CASCADE");
    }
  });

  it("says which seed failed, as a pack problem", async () => {
    const error = await failure(
      openPostgresBackend({
        connectionString: t.url,
        schema: "pack_broken",
        seed: ["CREATE TABLE ok (id int);", "CREATE TABLE broken (id nonsense_type);"],
        poolMax: 1,
      }),
    );
    expect(error).toMatchObject({ code: "invalid_pack" });
    expect(error.message).toContain("nonsense_type");
    // Nothing of a failed seed is left behind: the next opening starts again from nothing.
    const { rows } = await t.admin.query("SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = 'pack_broken'");
    expect(rows[0].n).toBe(0);
  });
});

describe("a Postgres server that goes away", () => {
  it("survives its connections being cut, and the effect lands once", async () => {
    const backend = await t.open("postgres", { poolMax: 1 });
    await t.call(backend, "get_claim", { claimId: "CLM-1001" });
    await t.admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    const outcome = await t.call(backend, "issue_payment", { claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" }, "run-4:pay");
    expect(outcome).toMatchObject({ replayed: false });
    expect(await paymentsOf(t, "postgres", "CLM-1001")).toBe(1);
  });

  it("reports a server it cannot reach as transient once the retry budget is spent", async () => {
    const url = new URL(t.url);
    url.port = "1";
    const started = Date.now();
    const error = await failure(t.open("postgres", { connectionString: url.toString(), retry: { budgetMs: 300 } }));
    expect(isGuildError(error) && error.code).toBe("tool_error");
    expect(error.details).toMatchObject({ transient: true });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
