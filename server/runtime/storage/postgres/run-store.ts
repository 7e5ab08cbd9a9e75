import type pg from "pg";
import {
  DEFAULT_TENANT,
  type ApprovalStatus,
  type AuditEntry,
  type RunEvent,
  type RunEventBody,
  type RunEventData,
  type RunEventType,
  type RunStatus,
} from "../../../contract/index.ts";
import {
  approvalIdOf,
  portOver,
  type DeliveryPatch,
  type DeliveryRecord,
  type WebhookRecord,
  type ApprovalEscalation,
  type ApprovalFilter,
  type ApprovalRecord,
  type NewRun,
  type FeedCursor,
  type RunPatch,
  type RunRecord,
  type RunStore,
  type RunTables,
} from "../../runs/index.ts";
import { isTransientPostgresError, withRetry, type RetryOptions } from "../../../../agents/faults/index.ts";
import type { Queryable } from "./pool.ts";
import { enqueueSql, PostgresWebhooks } from "./webhooks.ts";
import { OUTBOX_EVENTS } from "../../runs/webhook-rows.ts";
import { toApproval, toAuditEntry, toEvent, toRun, type ApprovalRow, type AuditRow, type EventRow, type RunRow } from "../../runs/rows.ts";

/** The channels other processes listen on (see listener.ts); a notification's payload starts with the id of the process that sent it. */
export const CHANNELS = { events: "guild_events", work: "guild_work" } as const;

const UNFINISHED = "status NOT IN ('completed', 'failed', 'cancelled')";
/**
 * The feed's horizon, `h`: the oldest transaction in progress when the statement began, or, with
 * none, the next to start. Transaction ids are shared by every database of the server, so a long
 * transaction in another database would hold the horizon back; the ones `pg_stat_activity` shows
 * in another database are left out. Only ever left out, never added: a transaction that ended
 * between the snapshot and that read still counts, which may delay an event, never skip one.
 */
const HORIZON = `snapshot AS (SELECT pg_current_snapshot() AS s),
  horizon AS (
    SELECT COALESCE(min(x), (SELECT pg_snapshot_xmax(s) FROM snapshot)) AS h
    FROM snapshot, pg_snapshot_xip(snapshot.s) AS x
    WHERE (x::text::numeric % 4294967296) NOT IN (
      SELECT backend_xid::text::numeric FROM pg_stat_activity WHERE datname <> current_database() AND backend_xid IS NOT NULL))`;

/** The largest bigint: a cursor at (tx, MAX_ID) has read everything of transaction tx. */
const MAX_ID = "9223372036854775807";

/**
 * The store's statements on one queryable: the pool (each statement its own transaction) or the
 * client of an open transaction.
 */
class PostgresRunTables implements RunTables {
  /** `origin` names this process in its notifications, so that its own listener can leave them out. */
  private readonly webhooks: PostgresWebhooks;

  constructor(
    private readonly db: Queryable,
    private readonly origin: string,
  ) {
    this.webhooks = new PostgresWebhooks(db);
  }

  createWebhook(webhook: WebhookRecord): Promise<void> {
    return this.webhooks.createWebhook(webhook);
  }

  listWebhooks(tenant: string): Promise<WebhookRecord[]> {
    return this.webhooks.listWebhooks(tenant);
  }

  getWebhook(id: string): Promise<WebhookRecord | undefined> {
    return this.webhooks.getWebhook(id);
  }

  deleteWebhook(id: string): Promise<boolean> {
    return this.webhooks.deleteWebhook(id);
  }

  listDeliveries(webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    return this.webhooks.listDeliveries(webhookId, limit);
  }

  dueDeliveries(now: number, limit: number): Promise<{ delivery: DeliveryRecord; webhook: WebhookRecord }[]> {
    return this.webhooks.dueDeliveries(now, limit);
  }

  claimDelivery(id: string, now: number, until: number): Promise<boolean> {
    return this.webhooks.claimDelivery(id, now, until);
  }

  settleDelivery(id: string, patch: DeliveryPatch): Promise<void> {
    return this.webhooks.settleDelivery(id, patch);
  }

  deleteDeliveries(before: string, limit: number): Promise<number> {
    return this.webhooks.deleteDeliveries(before, limit);
  }

  private async rows<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }

  private async changed(sql: string, params: unknown[]): Promise<boolean> {
    return ((await this.db.query(sql, params)).rowCount ?? 0) > 0;
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    const at = new Date().toISOString();
    const [row] = await this.rows<RunRow>(
      `INSERT INTO runs (id, status, task, pack, plan_approval, metadata, model, created_at, updated_at, tenant, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10) RETURNING *`,
      [
        run.id,
        run.status,
        run.task,
        run.pack,
        run.planApproval,
        run.metadata ? JSON.stringify(run.metadata) : null,
        JSON.stringify(run.model),
        at,
        run.tenant ?? DEFAULT_TENANT,
        run.createdBy ?? null,
      ],
    );
    return toRun(row!);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const [row] = await this.rows<RunRow>("SELECT * FROM runs WHERE id = $1", [id]);
    return row ? toRun(row) : undefined;
  }

  async listRuns(filter: { status?: RunStatus; tenant?: string; limit: number }): Promise<RunRecord[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.tenant) where.push(`tenant = $${params.push(filter.tenant)}`);
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, ord DESC LIMIT $${params.push(filter.limit)}`;
    return (await this.rows<RunRow>(sql, params)).map(toRun);
  }

  async updateRun(id: string, patch: RunPatch): Promise<RunRecord | undefined> {
    const params: unknown[] = [id, new Date().toISOString()];
    const sets = ["updated_at = $2"];
    if (patch.status) sets.push(`status = $${params.push(patch.status)}`);
    for (const key of ["result", "error", "usage"] as const) {
      if (patch[key] !== undefined) sets.push(`${key} = $${params.push(JSON.stringify(patch[key]))}`);
    }
    const [row] = await this.rows<RunRow>(`UPDATE runs SET ${sets.join(", ")} WHERE id = $1 AND ${UNFINISHED} RETURNING *`, params);
    return row ? toRun(row) : undefined;
  }

  /** By the database's clock, so that processes on machines whose clocks differ agree on whose lease is live. */
  acquireLease(id: string, owner: string, leaseMs: number): Promise<boolean> {
    return this.changed(
      `UPDATE runs SET owner = $2, lease_until = clock_timestamp() + make_interval(secs => $3::double precision / 1000)
       WHERE id = $1 AND (owner IS NULL OR owner = $2 OR lease_until IS NULL OR lease_until < clock_timestamp())`,
      [id, owner, leaseMs],
    );
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    await this.db.query("UPDATE runs SET owner = NULL, lease_until = NULL WHERE id = $1 AND owner = $2", [id, owner]);
  }

  async orphanedRuns(): Promise<RunRecord[]> {
    const rows = await this.rows<RunRow>(
      `SELECT * FROM runs WHERE (lease_until IS NULL OR lease_until < clock_timestamp()) AND (status IN ('queued', 'running')
         OR (status = 'awaiting_approval' AND EXISTS (
           SELECT 1 FROM approvals a WHERE a.run_id = runs.id AND a.status <> 'pending' AND a.decision IS NOT NULL AND NOT a.applied)))
       ORDER BY created_at, ord`,
    );
    return rows.map(toRun);
  }

  /**
   * The run's row is the lock that orders its events: bumping `last_seq` waits for any other
   * transaction appending to the same run, so seqs are gapless and commit in seq order. Listeners
   * are told at commit (NOTIFY is transactional; one per transaction, however many events).
   */
  async appendEvent<T extends RunEventType>(runId: string, type: T, data: RunEventData[T]): Promise<RunEvent> {
    const at = new Date().toISOString();
    const text = JSON.stringify(data);
    // An event a webhook asks for puts its deliveries in the outbox in the same statement.
    const outbox = OUTBOX_EVENTS.has(type);
    const [row] = await this.rows<{ seq: number }>(
      `WITH bumped AS (UPDATE runs SET last_seq = last_seq + 1, updated_at = $2 WHERE id = $1 RETURNING last_seq),
            stored AS (INSERT INTO events (run_id, seq, type, at, data) SELECT $1, last_seq, $3, $2, $4 FROM bumped RETURNING seq)
            ${outbox ? `, ${enqueueSql(6, 7)}` : ""}
       SELECT stored.seq, pg_notify('${CHANNELS.events}', $5) FROM stored`,
      [runId, at, type, text, this.origin, ...(outbox ? [approvalIdOf({ type, data } as RunEventBody) ?? null, Date.now()] : [])],
    );
    if (!row) throw new Error(`no run '${runId}' to append ${type} to`);
    return { seq: row.seq, runId, type, at, data: JSON.parse(text) } as RunEvent<T>;
  }

  async listEvents(runId: string, afterSeq: number, limit?: number): Promise<RunEvent[]> {
    const rows = await this.rows<EventRow>("SELECT * FROM events WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3", [
      runId,
      afterSeq,
      limit ?? null,
    ]);
    return rows.map(toEvent);
  }

  async lastSeq(runId: string): Promise<number> {
    const [row] = await this.rows<{ last_seq: number }>("SELECT last_seq FROM runs WHERE id = $1", [runId]);
    return row?.last_seq ?? 0;
  }

  /**
   * Ids drawn from a sequence do not commit in order, so a cursor on the id alone would skip an
   * event committed after a higher id was read. The feed instead orders events by the transaction
   * that stored them (`tx`), then by id, and reads only below the horizon: the oldest transaction
   * still open when the statement began (see HORIZON). Every transaction below it has ended, so
   * nothing can still commit before the cursor; an event of a transaction still open is read once
   * that one ends.
   */
  async eventsAfter(cursor: FeedCursor, limit: number): Promise<{ events: RunEvent[]; cursor: FeedCursor; waiting: boolean }> {
    const [tx, id] = cursor.split(":");
    // One round trip: the events below the horizon, and whether any wait above it.
    const [row] = await this.rows<{ events: (Omit<EventRow, "at"> & { at: string; tx: string; id: number })[]; waiting: boolean }>(
      `WITH ${HORIZON},
         picked AS (
           SELECT e.id, e.tx::text AS tx, e.run_id, e.seq, e.type, e.at, e.data FROM events e, horizon
           WHERE (e.tx, e.id) > ($1::xid8, $2::bigint) AND e.tx < horizon.h
           ORDER BY e.tx, e.id LIMIT $3)
       SELECT (SELECT COALESCE(json_agg(picked ORDER BY picked.tx::xid8, picked.id), '[]') FROM picked) AS events,
              EXISTS (SELECT 1 FROM events, horizon WHERE events.tx >= horizon.h AND (events.tx, events.id) > ($1::xid8, $2::bigint)) AS waiting`,
      [tx, id, limit],
    );
    const rows = row!.events;
    const last = rows[rows.length - 1];
    return {
      // json_agg writes instants in Postgres's own form; the store gives ISO strings.
      events: rows.map((e) => toEvent({ ...e, at: new Date(e.at).toISOString() })),
      cursor: last ? `${last.tx}:${last.id}` : cursor,
      waiting: row!.waiting,
    };
  }

  async feedHead(): Promise<FeedCursor> {
    const [row] = await this.rows<{ h: string }>(`WITH ${HORIZON} SELECT h::text FROM horizon`);
    return `${BigInt(row!.h) - 1n}:${MAX_ID}`;
  }

  /**
   * Inside a transaction, the key stays locked until it ends: concurrent requests with one key
   * (from any process) are served one after the other, so the first creates the run and the rest find it.
   */
  async findIdempotencyKey(key: string): Promise<{ requestHash: string; runId: string; createdAt: string } | undefined> {
    await this.db.query("SELECT pg_advisory_xact_lock(hashtext('guild.idempotency-key'), hashtext($1))", [key]);
    const [row] = await this.rows<{ request_hash: string; run_id: string; created_at: string }>(
      "SELECT request_hash, run_id, created_at FROM idempotency_keys WHERE key = $1",
      [key],
    );
    return row ? { requestHash: row.request_hash, runId: row.run_id, createdAt: row.created_at } : undefined;
  }

  async saveIdempotencyKey(key: string, requestHash: string, runId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO idempotency_keys (key, request_hash, run_id, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO UPDATE SET request_hash = excluded.request_hash, run_id = excluded.run_id, created_at = excluded.created_at`,
      [key, requestHash, runId, new Date().toISOString()],
    );
  }

  async upsertApproval(approval: {
    id: string;
    runId: string;
    interruptId: string;
    request: ApprovalRecord["request"];
  }): Promise<{ record: ApprovalRecord; created: boolean }> {
    const now = Date.now();
    const at = new Date(now).toISOString();
    const { expiry, escalation } = approval.request.guild;
    const [inserted] = await this.rows<ApprovalRow>(
      `INSERT INTO approvals (id, run_id, interrupt_id, kind, status, request, created_at, expires_at, escalation)
       VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING *`,
      [
        approval.id,
        approval.runId,
        approval.interruptId,
        approval.request.guild.kind,
        JSON.stringify(approval.request),
        at,
        expiry ? new Date(now + expiry.afterMs).toISOString() : null,
        escalation ? JSON.stringify({ at, ...escalation }) : null,
      ],
    );
    if (inserted) return { record: toApproval(inserted), created: true };
    // A re-run task may carry a new interrupt id for the same question; resume needs the current one.
    const [row] = await this.rows<ApprovalRow>("UPDATE approvals SET interrupt_id = $2 WHERE id = $1 RETURNING *", [
      approval.id,
      approval.interruptId,
    ]);
    return { record: toApproval(row!), created: false };
  }

  async getApproval(id: string): Promise<ApprovalRecord | undefined> {
    const [row] = await this.rows<ApprovalRow>("SELECT * FROM approvals WHERE id = $1", [id]);
    return row ? toApproval(row) : undefined;
  }

  async listApprovals(filter: ApprovalFilter): Promise<ApprovalRecord[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.runId) where.push(`run_id = $${params.push(filter.runId)}`);
    if (filter.runIds) where.push(`run_id = ANY($${params.push([...filter.runIds])}::text[])`);
    if (filter.tenant) where.push(`run_id IN (SELECT id FROM runs WHERE tenant = $${params.push(filter.tenant)})`);
    if (filter.after) where.push(`(created_at, ord) > (SELECT created_at, ord FROM approvals WHERE id = $${params.push(filter.after)})`);
    const sql = `SELECT * FROM approvals ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at, ord LIMIT $${params.push(filter.limit ?? null)}`;
    return (await this.rows<ApprovalRow>(sql, params)).map(toApproval);
  }

  decideApproval(id: string, status: ApprovalStatus, decision: ApprovalRecord["decision"], at: string): Promise<boolean> {
    // A racing decision waits for the first one's row lock, then finds the row no longer pending.
    return this.changed(
      `UPDATE approvals SET status = $2, decision = $3, decided_at = $4 WHERE id = $1 AND status = 'pending'
         AND (SELECT ${UNFINISHED} FROM runs WHERE runs.id = approvals.run_id)`,
      [id, status, decision ? JSON.stringify(decision) : null, at],
    );
  }

  expireApproval(id: string, at: string): Promise<boolean> {
    return this.changed("UPDATE approvals SET status = 'expired', decided_at = $2 WHERE id = $1 AND status = 'pending'", [id, at]);
  }

  async dueApprovals(now: string): Promise<ApprovalRecord[]> {
    const rows = await this.rows<ApprovalRow>(
      "SELECT * FROM approvals WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= $1 ORDER BY expires_at",
      [now],
    );
    return rows.map(toApproval);
  }

  escalateApproval(id: string, escalation: ApprovalEscalation, expiresAt: string | undefined): Promise<boolean> {
    return this.changed(
      "UPDATE approvals SET escalation = $2, expires_at = $3 WHERE id = $1 AND status = 'pending' AND escalation IS NULL",
      [id, JSON.stringify(escalation), expiresAt ?? null],
    );
  }

  async markApplied(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.db.query("UPDATE approvals SET applied = true WHERE id = ANY($1::text[])", [[...ids]]);
  }

  async appendAudit(entry: Omit<AuditEntry, "id">): Promise<void> {
    await this.db.query(
      `INSERT INTO audit (run_id, approval_id, kind, action, event, decision, status, reviewer, via, args_before, args_after, message, redirect_to, at, reviewer_id, reviewer_verified)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        entry.runId,
        entry.approvalId,
        entry.kind,
        entry.action,
        entry.event,
        entry.decision ?? null,
        entry.status,
        entry.reviewer ?? null,
        entry.via,
        JSON.stringify(entry.argsBefore),
        entry.argsAfter ? JSON.stringify(entry.argsAfter) : null,
        entry.message ?? null,
        entry.redirectTo ?? null,
        entry.at,
        entry.reviewerId ?? null,
        entry.reviewerVerified ?? null,
      ],
    );
  }

  async auditTrail(runId: string): Promise<AuditEntry[]> {
    return (await this.rows<AuditRow>("SELECT * FROM audit WHERE run_id = $1 ORDER BY id", [runId])).map(toAuditEntry);
  }

  async counts(): Promise<{ runs: Partial<Record<RunStatus, number>>; pendingApprovals: Partial<Record<string, number>> }> {
    const runs = await this.rows<{ key: RunStatus; n: number }>("SELECT status AS key, COUNT(*) AS n FROM runs GROUP BY status");
    const pending = await this.rows<{ key: string; n: number }>(
      "SELECT kind AS key, COUNT(*) AS n FROM approvals WHERE status = 'pending' GROUP BY kind",
    );
    return {
      runs: Object.fromEntries(runs.map((r) => [r.key, r.n])),
      pendingApprovals: Object.fromEntries(pending.map((r) => [r.key, r.n])),
    };
  }

  async finishedWithEvents(before: string, limit: number): Promise<string[]> {
    const rows = await this.rows<{ id: string }>(
      `SELECT id FROM runs r WHERE status IN ('completed', 'failed', 'cancelled') AND updated_at < $1
         AND EXISTS (SELECT 1 FROM events e WHERE e.run_id = r.id) ORDER BY updated_at LIMIT $2`,
      [before, limit],
    );
    return rows.map((r) => r.id);
  }

  async deleteEvents(runIds: readonly string[]): Promise<number> {
    return (await this.db.query("DELETE FROM events WHERE run_id = ANY($1::text[])", [[...runIds]])).rowCount ?? 0;
  }

  async deleteAudit(before: string, limit: number): Promise<number> {
    const result = await this.db.query(
      `DELETE FROM audit WHERE run_id IN (SELECT r.id FROM runs r WHERE status IN ('completed', 'failed', 'cancelled') AND updated_at < $1
         AND EXISTS (SELECT 1 FROM audit a WHERE a.run_id = r.id) ORDER BY updated_at LIMIT $2)`,
      [before, limit],
    );
    return result.rowCount ?? 0;
  }

  async signalWork(runId: string): Promise<void> {
    await this.db.query(`SELECT pg_notify('${CHANNELS.work}', $1)`, [`${this.origin} ${runId}`]);
  }
}

/**
 * The RunStore on Postgres, for any number of processes sharing one database. Statements and
 * whole transactions that fail for a transient reason (a dropped connection, a serialization
 * failure, a deadlock) are retried with backoff; the rest fail as they would on SQLite.
 */
export function postgresRunStore(pool: pg.Pool, origin: string, retry: RetryOptions = {}): RunStore {
  const retried = <T>(attempt: () => T | Promise<T>): Promise<T> => withRetry(attempt, isTransientPostgresError, retry);
  const store = portOver(new PostgresRunTables(pool, origin), retried);
  return {
    ...store,
    kind: "postgres",
    transaction: (work) =>
      retried(async () => {
        const client = await pool.connect();
        // A checked-out client that loses its connection emits 'error', which would otherwise crash the process.
        let broken: Error | undefined;
        const onError = (error: Error): void => void (broken ??= error);
        client.on("error", onError);
        try {
          await client.query("BEGIN");
          const result = await work(portOver(new PostgresRunTables(client, origin), async (statement) => statement()));
          await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch((rollback: Error) => void (broken ??= rollback));
          if (isTransientPostgresError(error)) broken ??= error as Error;
          throw error;
        } finally {
          client.off("error", onError);
          // A broken connection is not given back to the pool for the next transaction.
          client.release(broken);
        }
      }),
    close: () => pool.end(),
  };
}
