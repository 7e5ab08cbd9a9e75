import type Database from "better-sqlite3";
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
import type { SqliteConnection } from "./connection.ts";
import { SqliteWebhooks } from "./webhooks.ts";
import {
  storedJson,
  toApproval,
  toAuditEntry,
  toEvent,
  toRun,
  type ApprovalRow,
  type AuditRow,
  type EventRow,
  type RunRow,
} from "./rows.ts";

/** The synchronous SQL behind the port: every statement of the runtime's tables (see schema.ts). */
class SqliteRunTables implements RunTables {
  private readonly statements;
  /** Statements whose SQL depends on the filter or patch, prepared once per shape. */
  private readonly shaped = new Map<string, Database.Statement>();

  private readonly webhooks: SqliteWebhooks;

  constructor(private readonly db: Database.Database) {
    this.webhooks = new SqliteWebhooks(db);
    this.statements = {
      insertRun: db.prepare(
        `INSERT INTO runs (id, status, task, pack, tenant, created_by, plan_approval, metadata, model, created_at, updated_at)
         VALUES (@id, @status, @task, @pack, @tenant, @created_by, @plan_approval, @metadata, @model, @at, @at)`,
      ),
      getRun: db.prepare<[string], RunRow>("SELECT * FROM runs WHERE id = ?"),
      nextSeq: db.prepare<[string], number>("SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE run_id = ?").pluck(),
      insertEvent: db.prepare("INSERT INTO events (run_id, seq, type, at, data) VALUES (?, ?, ?, ?, ?)"),
      touchRun: db.prepare("UPDATE runs SET updated_at = ? WHERE id = ?"),
      listEvents: db.prepare<[string, number, number], EventRow>("SELECT * FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?"),
      lastSeq: db.prepare<[string], number>("SELECT COALESCE(MAX(seq), 0) FROM events WHERE run_id = ?").pluck(),
      eventsAfterId: db.prepare<[number, number], EventRow>("SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?"),
      lastEventId: db.prepare<[], number>("SELECT COALESCE(MAX(id), 0) FROM events").pluck(),
      findKey: db.prepare<[string], { request_hash: string; run_id: string; created_at: string }>(
        "SELECT request_hash, run_id, created_at FROM idempotency_keys WHERE key = ?",
      ),
      insertKey: db.prepare(
        `INSERT INTO idempotency_keys (key, request_hash, run_id, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET request_hash = excluded.request_hash, run_id = excluded.run_id, created_at = excluded.created_at`,
      ),
      insertApproval: db.prepare(
        `INSERT INTO approvals (id, run_id, interrupt_id, kind, status, request, created_at, expires_at, escalation)
         VALUES (@id, @run_id, @interrupt_id, @kind, 'pending', @request, @at, @expires_at, @escalation) ON CONFLICT (id) DO NOTHING`,
      ),
      getApproval: db.prepare<[string], ApprovalRow>("SELECT * FROM approvals WHERE id = ?"),
      updateInterrupt: db.prepare("UPDATE approvals SET interrupt_id = ? WHERE id = ? AND interrupt_id <> ?"),
      decide: db.prepare(
        `UPDATE approvals SET status = ?, decision = ?, decided_at = ? WHERE id = ? AND status = 'pending'
           AND (SELECT status FROM runs WHERE runs.id = approvals.run_id) NOT IN ('completed', 'failed', 'cancelled')`,
      ),
      applied: db.prepare("UPDATE approvals SET applied = 1 WHERE id = ?"),
      due: db.prepare<[string], ApprovalRow>(
        "SELECT * FROM approvals WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at",
      ),
      escalate: db.prepare(
        "UPDATE approvals SET escalation = ?, expires_at = ? WHERE id = ? AND status = 'pending' AND escalation IS NULL",
      ),
      expire: db.prepare("UPDATE approvals SET status = 'expired', decided_at = ? WHERE id = ? AND status = 'pending'"),
      lease: db.prepare("UPDATE runs SET owner = ?, lease_until = ? WHERE id = ? AND (owner IS NULL OR owner = ? OR lease_until < ?)"),
      release: db.prepare("UPDATE runs SET owner = NULL, lease_until = 0 WHERE id = ? AND owner = ?"),
      orphans: db.prepare<[number], RunRow>(
        `SELECT * FROM runs WHERE lease_until < ? AND (status IN ('queued', 'running')
           OR (status = 'awaiting_approval' AND EXISTS (
             SELECT 1 FROM approvals a WHERE a.run_id = runs.id AND a.status <> 'pending' AND a.decision IS NOT NULL AND a.applied = 0)))
         ORDER BY created_at`,
      ),
      insertAudit: db.prepare(
        `INSERT INTO audit (run_id, approval_id, kind, action, event, decision, status, reviewer, reviewer_id, reviewer_verified, via, args_before, args_after, message, redirect_to, at)
         VALUES (@runId, @approvalId, @kind, @action, @event, @decision, @status, @reviewer, @reviewerId, @reviewerVerified, @via, @argsBefore, @argsAfter, @message, @redirectTo, @at)`,
      ),
      audit: db.prepare<[string], AuditRow>("SELECT * FROM audit WHERE run_id = ? ORDER BY id"),
    };
  }

  createRun(run: NewRun): RunRecord {
    this.statements.insertRun.run({
      id: run.id,
      status: run.status,
      task: run.task,
      pack: run.pack,
      tenant: run.tenant ?? DEFAULT_TENANT,
      created_by: run.createdBy ?? null,
      plan_approval: run.planApproval ? 1 : 0,
      metadata: run.metadata ? JSON.stringify(run.metadata) : null,
      model: JSON.stringify(run.model),
      at: new Date().toISOString(),
    });
    return this.getRun(run.id)!;
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.statements.getRun.get(id);
    return row ? toRun(row) : undefined;
  }

  listRuns(filter: { status?: RunStatus; tenant?: string; limit: number }): RunRecord[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    if (filter.status) {
      where.push("status = @status");
      params.status = filter.status;
    }
    if (filter.tenant) {
      where.push("tenant = @tenant");
      params.tenant = filter.tenant;
    }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, rowid DESC LIMIT @limit`;
    return (this.prepared(sql).all(params) as RunRow[]).map(toRun);
  }

  updateRun(id: string, patch: RunPatch): RunRecord | undefined {
    const sets: string[] = ["updated_at = @updated_at"];
    const params: Record<string, unknown> = { id, updated_at: new Date().toISOString() };
    if (patch.status) {
      sets.push("status = @status");
      params.status = patch.status;
    }
    for (const key of ["result", "error", "usage"] as const) {
      if (patch[key] !== undefined) {
        sets.push(`${key} = @${key}`);
        // The result (answer and citations) is long; an error and usage are short.
        params[key] = key === "result" ? storedJson(JSON.stringify(patch[key])) : JSON.stringify(patch[key]);
      }
    }
    const sql = `UPDATE runs SET ${sets.join(", ")} WHERE id = @id AND status NOT IN ('completed', 'failed', 'cancelled')`;
    return this.prepared(sql).run(params).changes === 1 ? this.getRun(id) : undefined;
  }

  acquireLease(id: string, owner: string, leaseMs: number): boolean {
    const now = Date.now();
    return this.statements.lease.run(owner, now + leaseMs, id, owner, now).changes === 1;
  }

  releaseLease(id: string, owner: string): void {
    this.statements.release.run(id, owner);
  }

  orphanedRuns(): RunRecord[] {
    return this.statements.orphans.all(Date.now()).map(toRun);
  }

  /** The next seq is read and written in the caller's write transaction: SQLite's single writer keeps it gapless. */
  appendEvent<T extends RunEventType>(runId: string, type: T, data: RunEventData[T]): RunEvent<T> {
    const at = new Date().toISOString();
    const text = JSON.stringify(data);
    const seq = this.statements.nextSeq.get(runId)!;
    this.statements.insertEvent.run(runId, seq, type, at, storedJson(text));
    this.statements.touchRun.run(at, runId);
    this.webhooks.enqueue(runId, { type, data } as RunEventBody, at);
    return { seq, runId, type, at, data: JSON.parse(text) } as RunEvent<T>;
  }

  createWebhook(webhook: WebhookRecord): void {
    this.webhooks.createWebhook(webhook);
  }

  listWebhooks(tenant: string): WebhookRecord[] {
    return this.webhooks.listWebhooks(tenant);
  }

  getWebhook(id: string): WebhookRecord | undefined {
    return this.webhooks.getWebhook(id);
  }

  deleteWebhook(id: string): boolean {
    return this.webhooks.deleteWebhook(id);
  }

  listDeliveries(webhookId: string, limit: number): DeliveryRecord[] {
    return this.webhooks.listDeliveries(webhookId, limit);
  }

  dueDeliveries(now: number, limit: number): { delivery: DeliveryRecord; webhook: WebhookRecord }[] {
    return this.webhooks.dueDeliveries(now, limit);
  }

  claimDelivery(id: string, now: number, until: number): boolean {
    return this.webhooks.claimDelivery(id, now, until);
  }

  settleDelivery(id: string, patch: DeliveryPatch): void {
    this.webhooks.settleDelivery(id, patch);
  }

  deleteDeliveries(before: string, limit: number): number {
    return this.webhooks.deleteDeliveries(before, limit);
  }

  listEvents(runId: string, afterSeq: number, limit = -1): RunEvent[] {
    return this.statements.listEvents.all(runId, afterSeq, limit).map(toEvent);
  }

  lastSeq(runId: string): number {
    return this.statements.lastSeq.get(runId)!;
  }

  /**
   * The feed's cursor is the global id. SQLite has one writer at a time, so ids rise in commit
   * order and nothing can still commit below the cursor.
   */
  eventsAfter(cursor: FeedCursor, limit: number): { events: RunEvent[]; cursor: FeedCursor; waiting: boolean } {
    const rows = this.statements.eventsAfterId.all(Number(cursor), limit);
    return { events: rows.map(toEvent), cursor: rows.length > 0 ? String(rows[rows.length - 1]!.id) : cursor, waiting: false };
  }

  feedHead(): FeedCursor {
    return String(this.statements.lastEventId.get()!);
  }

  findIdempotencyKey(key: string): { requestHash: string; runId: string; createdAt: string } | undefined {
    const row = this.statements.findKey.get(key);
    return row ? { requestHash: row.request_hash, runId: row.run_id, createdAt: row.created_at } : undefined;
  }

  saveIdempotencyKey(key: string, requestHash: string, runId: string): void {
    this.statements.insertKey.run(key, requestHash, runId, new Date().toISOString());
  }

  upsertApproval(approval: { id: string; runId: string; interruptId: string; request: ApprovalRecord["request"] }): {
    record: ApprovalRecord;
    created: boolean;
  } {
    const now = Date.now();
    const at = new Date(now).toISOString();
    const { expiry, escalation } = approval.request.guild;
    const created =
      this.statements.insertApproval.run({
        id: approval.id,
        run_id: approval.runId,
        interrupt_id: approval.interruptId,
        kind: approval.request.guild.kind,
        request: storedJson(JSON.stringify(approval.request)),
        at,
        expires_at: expiry ? new Date(now + expiry.afterMs).toISOString() : null,
        escalation: escalation ? JSON.stringify({ at, ...escalation }) : null,
      }).changes === 1;
    // A re-run task may carry a new interrupt id for the same question; resume needs the current one.
    if (!created) this.statements.updateInterrupt.run(approval.interruptId, approval.id, approval.interruptId);
    return { record: this.getApproval(approval.id)!, created };
  }

  getApproval(id: string): ApprovalRecord | undefined {
    const row = this.statements.getApproval.get(id);
    return row ? toApproval(row) : undefined;
  }

  listApprovals(filter: ApprovalFilter): ApprovalRecord[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit ?? -1 };
    if (filter.status) {
      where.push("status = @status");
      params.status = filter.status;
    }
    if (filter.runId) {
      where.push("run_id = @runId");
      params.runId = filter.runId;
    }
    if (filter.runIds) {
      where.push("run_id IN (SELECT value FROM json_each(@runIds))");
      params.runIds = JSON.stringify(filter.runIds);
    }
    if (filter.tenant) {
      where.push("run_id IN (SELECT id FROM runs WHERE tenant = @tenant)");
      params.tenant = filter.tenant;
    }
    if (filter.after) {
      where.push("(created_at, rowid) > (SELECT created_at, rowid FROM approvals WHERE id = @after)");
      params.after = filter.after;
    }
    const sql = `SELECT * FROM approvals ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at, rowid LIMIT @limit`;
    return (this.prepared(sql).all(params) as ApprovalRow[]).map(toApproval);
  }

  decideApproval(id: string, status: ApprovalStatus, decision: ApprovalRecord["decision"], at: string): boolean {
    return this.statements.decide.run(status, decision ? JSON.stringify(decision) : null, at, id).changes === 1;
  }

  dueApprovals(now: string): ApprovalRecord[] {
    return this.statements.due.all(now).map(toApproval);
  }

  escalateApproval(id: string, escalation: ApprovalEscalation, expiresAt: string | undefined): boolean {
    return this.statements.escalate.run(JSON.stringify(escalation), expiresAt ?? null, id).changes === 1;
  }

  expireApproval(id: string, at: string): boolean {
    return this.statements.expire.run(at, id).changes === 1;
  }

  markApplied(ids: readonly string[]): void {
    ids.forEach((id) => this.statements.applied.run(id));
  }

  appendAudit(entry: Omit<AuditEntry, "id">): void {
    this.statements.insertAudit.run({
      ...entry,
      decision: entry.decision ?? null,
      reviewer: entry.reviewer ?? null,
      reviewerId: entry.reviewerId ?? null,
      reviewerVerified: entry.reviewerVerified === undefined ? null : entry.reviewerVerified ? 1 : 0,
      argsBefore: JSON.stringify(entry.argsBefore),
      argsAfter: entry.argsAfter ? JSON.stringify(entry.argsAfter) : null,
      message: entry.message ?? null,
      redirectTo: entry.redirectTo ?? null,
    });
  }

  auditTrail(runId: string): AuditEntry[] {
    return this.statements.audit.all(runId).map(toAuditEntry);
  }

  counts(): { runs: Partial<Record<RunStatus, number>>; pendingApprovals: Partial<Record<string, number>> } {
    const runs = this.prepared("SELECT status AS key, COUNT(*) AS n FROM runs GROUP BY status").all() as { key: RunStatus; n: number }[];
    const pending = this.prepared("SELECT kind AS key, COUNT(*) AS n FROM approvals WHERE status = 'pending' GROUP BY kind").all() as {
      key: string;
      n: number;
    }[];
    return {
      runs: Object.fromEntries(runs.map((r) => [r.key, r.n])),
      pendingApprovals: Object.fromEntries(pending.map((r) => [r.key, r.n])),
    };
  }

  finishedWithEvents(before: string, limit: number): string[] {
    return this.prepared(
      `SELECT id FROM runs r WHERE status IN ('completed', 'failed', 'cancelled') AND updated_at < ?
         AND EXISTS (SELECT 1 FROM events e WHERE e.run_id = r.id) ORDER BY updated_at LIMIT ?`,
    )
      .pluck()
      .all(before, limit) as string[];
  }

  deleteEvents(runIds: readonly string[]): number {
    return this.prepared("DELETE FROM events WHERE run_id IN (SELECT value FROM json_each(?))").run(JSON.stringify(runIds)).changes;
  }

  deleteAudit(before: string, limit: number): number {
    return this.prepared(
      `DELETE FROM audit WHERE run_id IN (SELECT r.id FROM runs r WHERE status IN ('completed', 'failed', 'cancelled') AND updated_at < ?
         AND EXISTS (SELECT 1 FROM audit a WHERE a.run_id = r.id) ORDER BY updated_at LIMIT ?)`,
    ).run(before, limit).changes;
  }

  /** Other processes on the same file find new work on their timer. */
  signalWork(): void {}

  private prepared(sql: string): Database.Statement {
    let statement = this.shaped.get(sql);
    if (!statement) this.shaped.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }
}

/** The embedded RunStore: tables in the runtime's SQLite file, on the connection the checkpointer and memory share. */
export function sqliteRunStore(connection: SqliteConnection): RunStore {
  const tables = new SqliteRunTables(connection.db);
  const inTransaction = portOver(tables, async (work) => work());
  const store = portOver(tables, (work) => connection.run(work));
  return {
    ...store,
    // An appended event and its run's updated_at land together; so do the approvals marked applied.
    appendEvent: (runId, type, data) => connection.transaction(async () => tables.appendEvent(runId, type, data)),
    markApplied: (ids) => connection.transaction(async () => tables.markApplied(ids)),
    kind: "sqlite",
    transaction: (work) => connection.transaction(() => work(inTransaction)),
    close: () => connection.close(),
  };
}
