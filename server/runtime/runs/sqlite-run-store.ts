import type Database from "better-sqlite3";
import type { ApprovalStatus, RunEvent, RunStatus } from "../../contract/index.ts";
import type { ApprovalEscalation, ApprovalRecord, RunPatch, RunRecord, RunStore, StoredEvent } from "./types.ts";

interface RunRow {
  id: string;
  status: RunStatus;
  task: string;
  pack: string;
  plan_approval: number;
  metadata: string | null;
  result: string | null;
  error: string | null;
  usage: string | null;
  model: string;
  created_at: string;
  updated_at: string;
}

interface ApprovalRow {
  id: string;
  run_id: string;
  interrupt_id: string;
  status: ApprovalStatus;
  request: string;
  decision: string | null;
  applied: number;
  created_at: string;
  decided_at: string | null;
  expires_at: string | null;
  escalation: string | null;
}

interface EventRow {
  id: number;
  run_id: string;
  seq: number;
  type: string;
  at: string;
  data: string;
}

const json = <T>(text: string | null): T | undefined => (text === null ? undefined : (JSON.parse(text) as T));

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    status: row.status,
    task: row.task,
    pack: row.pack,
    planApproval: row.plan_approval === 1,
    ...(row.metadata ? { metadata: json(row.metadata) } : {}),
    ...(row.result ? { result: json(row.result) } : {}),
    ...(row.error ? { error: json(row.error) } : {}),
    ...(row.usage ? { usage: json(row.usage) } : {}),
    model: JSON.parse(row.model),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toApproval(row: ApprovalRow): ApprovalRecord {
  return {
    id: row.id,
    runId: row.run_id,
    interruptId: row.interrupt_id,
    status: row.status,
    request: JSON.parse(row.request),
    ...(row.decision ? { decision: json(row.decision) } : {}),
    applied: row.applied === 1,
    createdAt: row.created_at,
    ...(row.decided_at ? { decidedAt: row.decided_at } : {}),
    ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
    ...(row.escalation ? { escalation: json(row.escalation) } : {}),
  };
}

const toEvent = (row: EventRow): RunEvent => ({ seq: row.seq, runId: row.run_id, type: row.type, at: row.at, data: JSON.parse(row.data) });

/** The embedded RunStore: tables in the runtime's SQLite file (see database.ts). */
export class SqliteRunStore implements RunStore {
  private readonly statements;
  /** Statements whose SQL depends on the filter or patch, prepared once per shape. */
  private readonly shaped = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.statements = {
      insertRun: db.prepare(
        `INSERT INTO runs (id, status, task, pack, plan_approval, metadata, model, created_at, updated_at)
         VALUES (@id, @status, @task, @pack, @plan_approval, @metadata, @model, @at, @at)`,
      ),
      getRun: db.prepare<[string], RunRow>("SELECT * FROM runs WHERE id = ?"),
      nextSeq: db.prepare<[string], number>("SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE run_id = ?").pluck(),
      insertEvent: db.prepare("INSERT INTO events (run_id, seq, type, at, data) VALUES (?, ?, ?, ?, ?)"),
      touchRun: db.prepare("UPDATE runs SET updated_at = ? WHERE id = ?"),
      listEvents: db.prepare<[string, number, number], EventRow>("SELECT * FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?"),
      lastSeq: db.prepare<[string], number>("SELECT COALESCE(MAX(seq), 0) FROM events WHERE run_id = ?").pluck(),
      eventsAfterId: db.prepare<[number, number], EventRow>("SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?"),
      lastEventId: db.prepare<[], number>("SELECT COALESCE(MAX(id), 0) FROM events").pluck(),
      findKey: db.prepare<[string], { request_hash: string; run_id: string; created_at: string }>("SELECT request_hash, run_id, created_at FROM idempotency_keys WHERE key = ?"),
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
      due: db.prepare<[string], ApprovalRow>("SELECT * FROM approvals WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at"),
      escalate: db.prepare("UPDATE approvals SET escalation = ?, expires_at = ? WHERE id = ? AND status = 'pending' AND escalation IS NULL"),
      expire: db.prepare("UPDATE approvals SET status = 'expired', decided_at = ? WHERE id = ? AND status = 'pending'"),
      lease: db.prepare("UPDATE runs SET owner = ?, lease_until = ? WHERE id = ? AND (owner IS NULL OR owner = ? OR lease_until < ?)"),
      release: db.prepare("UPDATE runs SET owner = NULL, lease_until = 0 WHERE id = ? AND owner = ?"),
      orphans: db.prepare<[number], RunRow>(
        `SELECT * FROM runs WHERE lease_until < ? AND (status IN ('queued', 'running')
           OR (status = 'awaiting_approval' AND EXISTS (
             SELECT 1 FROM approvals a WHERE a.run_id = runs.id AND a.status <> 'pending' AND a.decision IS NOT NULL AND a.applied = 0)))
         ORDER BY created_at`,
      ),
    };
  }

  createRun(run: Omit<RunRecord, "createdAt" | "updatedAt">): RunRecord {
    this.statements.insertRun.run({
      id: run.id,
      status: run.status,
      task: run.task,
      pack: run.pack,
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

  listRuns(filter: { status?: RunStatus; limit: number }): RunRecord[] {
    const rows = filter.status
      ? (this.prepared("SELECT * FROM runs WHERE status = ? ORDER BY created_at DESC, rowid DESC LIMIT ?").all(filter.status, filter.limit) as RunRow[])
      : (this.prepared("SELECT * FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?").all(filter.limit) as RunRow[]);
    return rows.map(toRun);
  }

  updateRun(id: string, patch: RunPatch): RunRecord | undefined {
    const sets: string[] = ["updated_at = @updated_at"];
    const params: Record<string, unknown> = { id, updated_at: new Date().toISOString() };
    if (patch.status) (sets.push("status = @status"), (params.status = patch.status));
    for (const key of ["result", "error", "usage"] as const) {
      if (patch[key] !== undefined) (sets.push(`${key} = @${key}`), (params[key] = JSON.stringify(patch[key])));
    }
    const sql = `UPDATE runs SET ${sets.join(", ")} WHERE id = @id AND status NOT IN ('completed', 'failed', 'cancelled')`;
    return this.prepared(sql).run(params).changes === 1 ? this.getRun(id) : undefined;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  acquireLease(id: string, owner: string, until: number): boolean {
    return this.statements.lease.run(owner, until, id, owner, Date.now()).changes === 1;
  }

  releaseLease(id: string, owner: string): void {
    this.statements.release.run(id, owner);
  }

  orphanedRuns(now: number): RunRecord[] {
    return this.statements.orphans.all(now).map(toRun);
  }

  appendEvent(runId: string, type: string, data: Record<string, unknown>): RunEvent {
    const at = new Date().toISOString();
    const text = JSON.stringify(data);
    return this.db
      .transaction((): RunEvent => {
        const seq = this.statements.nextSeq.get(runId)!;
        this.statements.insertEvent.run(runId, seq, type, at, text);
        this.statements.touchRun.run(at, runId);
        return { seq, runId, type, at, data: JSON.parse(text) };
      })
      .immediate();
  }

  listEvents(runId: string, afterSeq: number, limit = -1): RunEvent[] {
    return this.statements.listEvents.all(runId, afterSeq, limit).map(toEvent);
  }

  lastSeq(runId: string): number {
    return this.statements.lastSeq.get(runId)!;
  }

  eventsAfterId(id: number, limit: number): StoredEvent[] {
    return this.statements.eventsAfterId.all(id, limit).map((row) => ({ id: row.id, event: toEvent(row) }));
  }

  lastEventId(): number {
    return this.statements.lastEventId.get()!;
  }

  findIdempotencyKey(key: string): { requestHash: string; runId: string; createdAt: string } | undefined {
    const row = this.statements.findKey.get(key);
    return row ? { requestHash: row.request_hash, runId: row.run_id, createdAt: row.created_at } : undefined;
  }

  saveIdempotencyKey(key: string, requestHash: string, runId: string): void {
    this.statements.insertKey.run(key, requestHash, runId, new Date().toISOString());
  }

  upsertApproval(approval: { id: string; runId: string; interruptId: string; request: ApprovalRecord["request"] }) {
    const now = Date.now();
    const at = new Date(now).toISOString();
    const { expiry, escalation } = approval.request.guild;
    const created =
      this.statements.insertApproval.run({
        id: approval.id,
        run_id: approval.runId,
        interrupt_id: approval.interruptId,
        kind: approval.request.guild.kind,
        request: JSON.stringify(approval.request),
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

  listApprovals(filter: { status?: ApprovalStatus; runId?: string; runIds?: readonly string[]; limit?: number }): ApprovalRecord[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit ?? -1 };
    if (filter.status) (where.push("status = @status"), (params.status = filter.status));
    if (filter.runId) (where.push("run_id = @runId"), (params.runId = filter.runId));
    if (filter.runIds) (where.push("run_id IN (SELECT value FROM json_each(@runIds))"), (params.runIds = JSON.stringify(filter.runIds)));
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
    this.db.transaction(() => ids.forEach((id) => this.statements.applied.run(id)))();
  }

  close(): void {
    this.db.close();
  }

  private prepared(sql: string): Database.Statement {
    let statement = this.shaped.get(sql);
    if (!statement) this.shaped.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }
}
