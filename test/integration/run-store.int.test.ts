import Database from "better-sqlite3";
import path from "node:path";
import pg from "pg";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ApprovalRequest } from "../../graphs/index.ts";
import type { RunEventType } from "../../server/contract/index.ts";
import type { RunStore } from "../../server/runtime/runs/index.ts";
import { openStorage, type Storage } from "../../server/runtime/storage/index.ts";
import { TEST_POSTGRES_URL } from "../support/postgres.ts";
import { freshStorage, TEST_ENGINE, type TestStorage } from "../support/storage.ts";

let place: TestStorage;
let opened: Storage[] = [];
beforeEach(async () => {
  place = await freshStorage();
});
afterEach(async () => {
  await Promise.all(opened.map((s) => s.close()));
  opened = [];
  await place.remove();
});

/** A store on its own connections to the test's storage, as another process would have. */
async function connection(): Promise<RunStore> {
  const storage = await openStorage({ dataDir: place.dataDir, databaseUrl: place.databaseUrl, log: pino({ level: "silent" }) });
  opened.push(storage);
  return storage.runs;
}

const request: ApprovalRequest = {
  action_request: { action: "issue_payment", args: { claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" } },
  config: { allow_accept: true, allow_edit: true, allow_respond: true, allow_ignore: true },
  description: "Pay the claim",
  guild: { approvalId: "apr_1", kind: "tool_call", allowRedirect: true },
};

/** The store keeps whatever type and data it is given: these tests use their own. */
const anyEvent = (type: string, data: object) => [type, data] as unknown as [RunEventType, never];
const newRun = (id: string, status: "running" | "awaiting_approval" = "running") =>
  ({ id, status, task: "t", pack: "insurance-claims", planApproval: false, model: { provider: "offline", name: "offline" } }) as const;

describe(`the run store across connections (${TEST_ENGINE})`, () => {
  it("lets exactly one of two connections decide an approval both saw pending", async () => {
    const [a, b] = [await connection(), await connection()];
    await a.createRun(newRun("run_1", "awaiting_approval"));
    await a.upsertApproval({ id: "apr_1", runId: "run_1", interruptId: "i1", request });
    // Both read it pending, as two processes racing would; then both try to decide at once.
    expect((await a.getApproval("apr_1"))!.status).toBe("pending");
    expect((await b.getApproval("apr_1"))!.status).toBe("pending");
    const at = new Date().toISOString();
    const results = await Promise.all([
      a.decideApproval("apr_1", "approved", { type: "approve" }, at),
      b.decideApproval("apr_1", "edited", { type: "edit", args: { amount: 1 } }, at),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results[0] ? { status: "approved", decision: { type: "approve" } } : { status: "edited", decision: { type: "edit" } };
    expect(await b.getApproval("apr_1")).toMatchObject(winner);
  });

  it("numbers a run's events without gaps however many connections append at once, and keeps them in seq order", async () => {
    const [a, b] = [await connection(), await connection()];
    await a.createRun(newRun("run_a"));
    const stored = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).appendEvent("run_a", ...anyEvent(`e${i}`, { i }))),
    );
    expect(stored.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const listed = await a.listEvents("run_a", 0);
    expect(listed.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await b.lastSeq("run_a")).toBe(20);
  });

  it("feeds every run's events to a reader on another connection, each once, from where it started", async () => {
    const [a, b, reader] = [await connection(), await connection(), await connection()];
    for (const id of ["run_a", "run_b"]) await a.createRun(newRun(id));
    await a.appendEvent("run_a", ...anyEvent("before", {}));
    const head = await reader.feedHead();
    await a.appendEvent("run_a", ...anyEvent("x", {}));
    await b.appendEvent("run_a", ...anyEvent("y", {}));
    await b.appendEvent("run_b", ...anyEvent("z", {}));
    await a.appendEvent("run_a", ...anyEvent("w", {}));
    const first = await reader.eventsAfter(head, 2);
    expect(first.events.map((e) => e.type)).toEqual(["x", "y"]);
    const rest = await reader.eventsAfter(first.cursor, 100);
    expect(rest.events.map((e) => e.type)).toEqual(["z", "w"]);
    expect((await reader.eventsAfter(rest.cursor, 100)).events).toEqual([]);
  });

  it("never skips an event whose transaction commits after a later one's: the feed waits for it", async () => {
    const [a, b, reader] = [await connection(), await connection(), await connection()];
    for (const id of ["run_a", "run_b"]) await a.createRun(newRun(id));
    const head = await reader.feedHead();
    // A transaction stores an event and stays open; meanwhile another stores one and commits.
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let stored!: () => void;
    const inside = new Promise<void>((resolve) => (stored = resolve));
    const slow = a.transaction(async (tx) => {
      await tx.appendEvent("run_a", ...anyEvent("slow", {}));
      stored();
      await held;
    });
    await inside;
    const fast = b.appendEvent("run_b", ...anyEvent("fast", {}));
    // On SQLite the second writer waits for the first; on Postgres it commits, and the feed must not
    // move past the open transaction's event.
    if (TEST_ENGINE === "postgres") await fast;
    const meanwhile = await reader.eventsAfter(head, 100);
    expect(meanwhile.events).toEqual([]);
    if (TEST_ENGINE === "postgres") expect(meanwhile.waiting).toBe(true);
    commit();
    await Promise.all([slow, fast]);
    const after = await reader.eventsAfter(meanwhile.cursor, 100);
    expect(after.events.map((e) => e.type)).toEqual(["slow", "fast"]);
    expect(after.waiting).toBe(false);
  });

  it.skipIf(TEST_ENGINE !== "postgres")("is not held back by a long transaction in another database of the same server", async () => {
    const [a, reader] = [await connection(), await connection()];
    await a.createRun(newRun("run_a"));
    const head = await reader.feedHead();
    // Transaction ids are shared by the server's databases: one that writes elsewhere and stays open.
    const elsewhere = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await elsewhere.connect();
    try {
      await elsewhere.query("BEGIN");
      await elsewhere.query("SELECT pg_current_xact_id()");
      await a.appendEvent("run_a", ...anyEvent("here", {}));
      const read = await reader.eventsAfter(head, 100);
      expect(read.events.map((e) => e.type)).toEqual(["here"]);
      expect(read.waiting).toBe(false);
    } finally {
      await elsewhere.query("ROLLBACK");
      await elsewhere.end();
    }
  });

  it.skipIf(TEST_ENGINE !== "postgres")(
    "survives the server closing its idle connections (a restart, a failover): memory and runs answer again",
    async () => {
      const storage = await openStorage({ dataDir: place.dataDir, databaseUrl: place.databaseUrl, log: pino({ level: "silent" }) });
      opened.push(storage);
      await storage.memory.put(["guild", "t"], "k", { text: "before" });
      await storage.runs.createRun(newRun("run_a"));
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      try {
        // Every connection of this database but the listener's, which reconnects by itself.
        const { rows } = await admin.query(
          "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name IN ('guild memory', 'guild runtime')",
          [new URL(place.databaseUrl!).pathname.slice(1)],
        );
        expect(rows.length).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      // An idle pool client that errors with nobody listening would be an uncaught exception here.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await storage.memory.get(["guild", "t"], "k"))?.value).toEqual({ text: "before" });
      expect((await storage.runs.getRun("run_a"))?.status).toBe("running");
    },
  );

  it("rolls back everything a transaction did when it fails, its events too", async () => {
    const a = await connection();
    await a.createRun(newRun("run_a"));
    await expect(
      a.transaction(async (tx) => {
        await tx.appendEvent("run_a", ...anyEvent("lost", {}));
        await tx.updateRun("run_a", { status: "completed" });
        throw new Error("midway");
      }),
    ).rejects.toThrow("midway");
    expect(await a.listEvents("run_a", 0)).toEqual([]);
    expect((await a.getRun("run_a"))!.status).toBe("running");
    expect((await a.appendEvent("run_a", ...anyEvent("next", {}))).seq).toBe(1);
  });

  it("gives a lease to one owner at a time, and to another once it runs out", async () => {
    const [a, b] = [await connection(), await connection()];
    await a.createRun(newRun("run_a"));
    expect(await a.acquireLease("run_a", "one", 300)).toBe(true);
    expect(await b.acquireLease("run_a", "two", 300)).toBe(false);
    expect(await a.acquireLease("run_a", "one", 300)).toBe(true);
    expect((await b.orphanedRuns()).map((r) => r.id)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await b.orphanedRuns()).map((r) => r.id)).toEqual(["run_a"]);
    expect(await b.acquireLease("run_a", "two", 300)).toBe(true);
    await b.releaseLease("run_a", "one");
    expect(await a.acquireLease("run_a", "one", 300)).toBe(false);
  });

  it.skipIf(TEST_ENGINE === "postgres")("keeps the events of a data directory from before events had global ids, in order", async () => {
    const legacy = new Database(path.join(place.dataDir, "guild.sqlite"));
    legacy.exec(
      "CREATE TABLE events (run_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run_id, seq)) WITHOUT ROWID",
    );
    const insert = legacy.prepare("INSERT INTO events VALUES (?, ?, ?, ?, '{}')");
    insert.run("run_b", 1, "b1", "2026-11-01T10:00:01.000Z");
    insert.run("run_a", 1, "a1", "2026-11-01T10:00:00.000Z");
    insert.run("run_a", 2, "a2", "2026-11-01T10:00:02.000Z");
    legacy.close();

    const store = await connection();
    expect((await store.eventsAfter("0", 10)).events.map((e) => e.type)).toEqual(["a1", "b1", "a2"]);
    await store.createRun(newRun("run_a"));
    expect((await store.appendEvent("run_a", ...anyEvent("a3", {}))).seq).toBe(3);
    expect(await store.feedHead()).toBe("4");
  });

  it("gives back an event's data exactly however long it is, and stores a long one in under half its size on SQLite", async () => {
    const [a, reader] = [await connection(), await connection()];
    await a.createRun(newRun("run_a"));
    const passage = "Damage to the buildings caused by a sudden escape of water from a fixed water or heating installation. ";
    const long = {
      passages: Array.from({ length: 8 }, (_, i) => ({ id: `doc.md#${i}`, excerpt: passage.repeat(3), score: i / 10 })),
      note: "£3,600 — “quoted”",
    };
    const head = await reader.feedHead();
    await a.appendEvent("run_a", ...anyEvent("short", { n: 1 }));
    await a.appendEvent("run_a", ...anyEvent("long", long));
    expect((await reader.listEvents("run_a", 0)).map((e) => e.data)).toEqual([{ n: 1 }, long]);
    expect((await reader.eventsAfter(head, 10)).events.map((e) => e.data)).toEqual([{ n: 1 }, long]);
    if (TEST_ENGINE === "postgres") return;
    const db = new Database(path.join(place.dataDir, "guild.sqlite"), { readonly: true });
    const stored = db
      .prepare<[], { type: string; kind: string; bytes: number }>(
        "SELECT type, typeof(data) AS kind, length(data) AS bytes FROM events ORDER BY seq",
      )
      .all();
    db.close();
    expect(stored.map((row) => [row.type, row.kind])).toEqual([
      ["short", "text"],
      ["long", "blob"],
    ]);
    expect(stored[1]!.bytes).toBeLessThan(JSON.stringify(long).length / 2);
  });

  it("gives back a run's long result and an approval's long request exactly, deflated on SQLite, and reads those stored as text before", async () => {
    const [a, reader] = [await connection(), await connection()];
    const clause = "4.2.1 What is covered: sudden escape of water from a fixed water or heating installation. ";
    const result = {
      answer: `Covered, less the £350 excess. ${clause.repeat(6)}`,
      citations: [{ source: "policy.md", excerpt: clause.repeat(3) }],
    };
    const long: ApprovalRequest = { ...request, description: clause.repeat(5), guild: { ...request.guild, approvalId: "apr_long" } };
    await a.createRun(newRun("run_a"));
    await a.upsertApproval({ id: "apr_long", runId: "run_a", interruptId: "i1", request: long });
    await a.updateRun("run_a", { status: "completed", result });
    expect((await reader.getRun("run_a"))!.result).toEqual(result);
    expect((await reader.getApproval("apr_long"))!.request).toEqual(long);
    if (TEST_ENGINE === "postgres") return;
    const db = new Database(path.join(place.dataDir, "guild.sqlite"));
    const kinds = [
      db.prepare("SELECT typeof(result) AS kind, length(result) AS bytes FROM runs").get(),
      db.prepare("SELECT typeof(request) AS kind, length(request) AS bytes FROM approvals").get(),
    ] as { kind: string; bytes: number }[];
    expect(kinds.map((k) => k.kind)).toEqual(["blob", "blob"]);
    expect(kinds[0]!.bytes).toBeLessThan(JSON.stringify(result).length / 2);
    // What an earlier Guild stored as text reads the same.
    db.prepare("UPDATE runs SET result = ?").run(JSON.stringify(result));
    db.prepare("UPDATE approvals SET request = ?").run(JSON.stringify(long));
    db.close();
    expect((await reader.getRun("run_a"))!.result).toEqual(result);
    expect((await reader.getApproval("apr_long"))!.request).toEqual(long);
  });
});
