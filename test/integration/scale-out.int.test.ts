import { once } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Approval, Decision, Run, RunEvent } from "../../server/contract/index.ts";
import pg from "pg";
import { FIXTURE_PACKS, runCli, serve, spawnCli } from "../support/cli.ts";
import { connectSocket, request, until, type Client } from "../support/clients.ts";
import { readLedger, resolutionsOf, unapprovedEffects } from "../support/ledger.ts";
import { call, collectEvents } from "../support/server.ts";
import { createTestDatabase } from "../support/postgres.ts";
import { freshStorage, type TestStorage } from "../support/storage.ts";

/**
 * Three `guild serve` processes on one Postgres database: runs are started through A, decided
 * through B and followed from C. A is killed (SIGKILL) while one run executes a step and others
 * wait for a payment decision; B and C take over. Nothing is lost, nothing repeats.
 */

type Served = Awaited<ReturnType<typeof serve>>;

let place: TestStorage;
let processes: Served[] = [];
const sockets: Client[] = [];
beforeEach(async () => {
  place = await freshStorage("guild-scale-");
});
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.disconnect());
  await Promise.all(
    processes.splice(0).map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const closed = once(child, "close");
      child.kill("SIGKILL");
      await closed;
    }),
  );
  await place.remove();
});

/** Open claims of the seed, each paid by its own run (within the handler's authority, customers not flagged). */
const CLAIMS = ["CLM-1001", "CLM-1010", "CLM-1015", "CLM-1016", "CLM-1026", "CLM-1028"];
const taskFor = (claimId: string) =>
  `Customer on claim ${claimId} reports a loss. Check the cover, work out the payout, pay it and email the customer.`;
const ARCHIVE_TASK = "Look up REF-001 in the archive and record a note";

const get = async <T>(url: string, path: string): Promise<T> => (await request(url, "GET", path)).body as T;
const runOf = async (url: string, runId: string) => (await get<{ run: Run }>(url, `/api/runs/${runId}`)).run;
const post = (url: string, path: string, body: unknown) => request(url, "POST", path, body);

/** How B decides each approval: payments alternate approve, edit and reject; everything else is approved. */
function decisionFor(approval: Approval, index: number): Decision {
  if (approval.action.name !== "issue_payment") return { type: "approve", reviewer: "b" };
  if (index % 3 === 1) return { type: "edit", args: { ...approval.action.args, amount: 100 + index }, reviewer: "b" };
  if (index % 3 === 2) return { type: "reject", message: "not yet", reviewer: "b" };
  return { type: "approve", reviewer: "b" };
}

describe("several processes on one Postgres database", () => {
  it("runs started on A, decided on B, followed on C: A killed mid-step and while decisions are pending loses nothing and repeats nothing", async () => {
    const env = { ...place.env, GUILD_LEASE_MS: "1000", GUILD_PACKS_DIRS: FIXTURE_PACKS };
    const [a, b, c] = await Promise.all([serve(env), serve(env), serve(env)]);
    processes = [a, b, c];

    // C follows every run from its first event, on one socket.
    const follower = await connectSocket(c.url);
    sockets.push(follower);
    const received = collectEvents(follower);
    const runIds: string[] = [];
    const start = async (task: string, pack?: string): Promise<string> => {
      const answer = await post(a.url, "/api/runs", { task, ...(pack ? { pack } : {}) });
      expect(answer.status).toBe(202);
      const runId = (answer.body as { run: Run }).run.id;
      runIds.push(runId);
      expect(await call(follower, "run:subscribe", { runId })).toMatchObject({ ok: true });
      return runId;
    };

    // A executes the runs: the claims pause for their payments; then the archive run starts its slow step.
    for (const claimId of CLAIMS) await start(taskFor(claimId));
    await until(
      "A's runs to pause for their payments",
      async () =>
        (await Promise.all(runIds.map((id) => runOf(b.url, id)))).every(
          (r) => r.status === "awaiting_approval" && r.pendingApprovals.length > 0,
        ),
      60_000,
    );
    const archiveRun = await start(ARCHIVE_TASK, "slow-archive");
    await until("the archive run's slow step to be under way on A", () =>
      received.some((e) => e.runId === archiveRun && e.type === "tool.called" && e.data.tool === "search_archive"),
    );
    const killed = once(a.child, "close");
    a.child.kill("SIGKILL");
    expect((await killed)[1]).toBe("SIGKILL");

    // B decides every approval as it comes, whichever process asks; the archive run is taken over.
    let decisions = 0;
    const finished = await until(
      "every run to finish",
      async () => {
        const runs = await Promise.all(runIds.map((id) => runOf(b.url, id)));
        for (const run of runs) {
          for (const approval of run.pendingApprovals) {
            const answer = await post(b.url, `/api/approvals/${approval.id}/decision`, decisionFor(approval, decisions));
            expect([200, 409]).toContain(answer.status);
            if (answer.status === 200) decisions += 1;
          }
        }
        return runs.every((r) => ["completed", "failed", "cancelled"].includes(r.status)) && runs;
      },
      90_000,
    );
    expect(finished.map((r) => r.status)).toEqual(runIds.map(() => "completed"));

    // Exactly once in Postgres: each approved (or edited) payment and email once, nothing unapproved.
    const ledger = await readLedger(place);
    expect(unapprovedEffects(ledger)).toEqual([]);
    expect(new Set(ledger.effects.map((e) => e.key)).size).toBe(ledger.effects.length);
    const approvals = ledger.approvals.filter((x) => runIds.includes(x.runId));
    const paidApprovals = approvals.filter((x) => x.action === "issue_payment" && (x.status === "approved" || x.status === "edited"));
    expect(ledger.effects.filter((e) => e.tool === "issue_payment")).toHaveLength(paidApprovals.length);
    expect(ledger.effects.filter((e) => e.tool === "send_email")).toHaveLength(CLAIMS.length);
    const archive = await readLedger(place, "slow-archive");
    expect(archive.effects.map((e) => e.tool)).toEqual(["record_note"]);
    expect(paidApprovals.length).toBeGreaterThan(0);
    expect(approvals.some((x) => x.action === "issue_payment" && x.status === "rejected")).toBe(true);

    // C received each run's log exactly: every event once, in order, whichever process stored it.
    for (const runId of runIds) {
      const log = (await get<{ events: RunEvent[] }>(c.url, `/api/runs/${runId}/events`)).events;
      expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
      expect(log.at(-1)!.type).toBe("run.completed");
      await until(`C to receive the end of ${runId}`, () => received.some((e) => e.runId === runId && e.type === "run.completed"));
      expect(
        received.filter((e) => e.runId === runId),
        `the events C received of ${runId}`,
      ).toEqual(log);
      for (const [approvalId, count] of resolutionsOf(log)) expect(count, approvalId).toBe(1);
    }
    // The archive run really was cut short on A and run again elsewhere: its step started twice.
    const archiveLog = received.filter((e) => e.runId === archiveRun);
    expect(archiveLog.filter((e) => e.type === "tool.called" && e.data.tool === "search_archive").length).toBeGreaterThanOrEqual(2);
    expect(archiveLog.filter((e) => e.type === "run.started")).toHaveLength(1);
  });
});

describe("guild migrate and guild worker", () => {
  it("migrates a fresh database once; a worker (no HTTP) takes over a run whose server died mid-step", async () => {
    const empty = await createTestDatabase();
    try {
      const first = await runCli(["migrate"], { ...place.env, GUILD_DATABASE_URL: empty.url });
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain("Postgres: applied migrations 1, 2, 3, 4");
      const again = await runCli(["migrate"], { ...place.env, GUILD_DATABASE_URL: empty.url });
      expect(again.stdout).toContain("Postgres: up to date, nothing to apply");
    } finally {
      await empty.drop();
    }

    const env = { ...place.env, GUILD_LEASE_MS: "1000", GUILD_PACKS_DIRS: FIXTURE_PACKS };
    const server = await serve(env);
    processes.push(server);
    const runId = ((await post(server.url, "/api/runs", { task: ARCHIVE_TASK, pack: "slow-archive" })).body as { run: Run }).run.id;
    const follower = await connectSocket(server.url);
    sockets.push(follower);
    const received = collectEvents(follower);
    await call(follower, "run:subscribe", { runId });
    await until("the slow step to be under way", () => received.some((e) => e.type === "tool.called" && e.data.tool === "search_archive"));

    const worker = spawnCli(["worker"], env);
    let out = "";
    worker.stdout.on("data", (chunk) => (out += chunk));
    processes.push({ child: worker, url: "", output: () => out, logs: () => "" });
    await until("the worker to start", () => out.includes("Guild worker is executing runs"));
    expect(out).toContain("Postgres 127.0.0.1:5432/");
    const killed = once(server.child, "close");
    server.child.kill("SIGKILL");
    await killed;

    // The worker takes the run over once the lease runs out, and pauses it for the note's approval.
    const client = new pg.Client({ connectionString: place.databaseUrl });
    await client.connect();
    try {
      const paused = await until(
        "the worker to pause the run for its approval",
        async () => {
          const { rows } = await client.query<{ id: string }>("SELECT id FROM guild.approvals WHERE run_id = $1 AND status = 'pending'", [
            runId,
          ]);
          return rows[0];
        },
        30_000,
      );
      const second = await serve(env);
      processes.push(second);
      expect((await post(second.url, `/api/approvals/${paused.id}/decision`, { type: "approve" })).status).toBe(200);
      const done = await until(
        "the run to complete",
        async () => {
          const run = await runOf(second.url, runId);
          return run.status === "completed" && run;
        },
        30_000,
      );
      expect(done.result!.answer.length).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
    expect((await readLedger(place, "slow-archive")).effects.map((e) => e.tool)).toEqual(["record_note"]);
  });
});
