import type Database from "better-sqlite3";
import type { RunEventBody } from "../../../contract/index.ts";
import { approvalIdOf, type DeliveryPatch, type DeliveryRecord, type WebhookRecord } from "../../runs/index.ts";
import {
  DUE_COLUMNS,
  OUTBOX_EVENTS,
  toDelivery,
  toDue,
  toWebhook,
  type DeliveryRow,
  type DueRow,
  type WebhookRow,
} from "../../runs/webhook-rows.ts";

/** The webhooks' tables: receivers per tenant (or per run), and the outbox of their deliveries. */
export const WEBHOOK_SCHEMA = `
CREATE TABLE IF NOT EXISTS webhooks (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  description TEXT,
  secret TEXT NOT NULL,
  run_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhooks_by_tenant ON webhooks (tenant, created_at);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id TEXT PRIMARY KEY,
  webhook_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  type TEXT NOT NULL,
  approval_id TEXT,
  body TEXT,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  created_at TEXT NOT NULL,
  delivered_at TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at);
`;

/** The webhooks' statements on SQLite, synchronous like the rest of the run tables. */
export class SqliteWebhooks {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      enqueue: db.prepare(
        `INSERT INTO webhook_deliveries (id, webhook_id, run_id, type, approval_id, status, attempts, next_attempt_at, created_at)
         SELECT 'msg_' || lower(hex(randomblob(12))), w.id, @runId, @type, @approvalId, 'pending', 0, @now, @at
         FROM webhooks w JOIN runs r ON r.id = @runId AND r.tenant = w.tenant
         WHERE (w.run_id IS NULL OR w.run_id = @runId) AND EXISTS (SELECT 1 FROM json_each(w.events) WHERE value = @type)`,
      ),
      create: db.prepare(
        "INSERT INTO webhooks (id, tenant, url, events, description, secret, run_id, created_at) VALUES (@id, @tenant, @url, @events, @description, @secret, @runId, @createdAt)",
      ),
      list: db.prepare<[string], WebhookRow>("SELECT * FROM webhooks WHERE tenant = ? ORDER BY created_at, rowid"),
      get: db.prepare<[string], WebhookRow>("SELECT * FROM webhooks WHERE id = ?"),
      remove: db.prepare("DELETE FROM webhooks WHERE id = ?"),
      dropPending: db.prepare("DELETE FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending'"),
      deliveries: db.prepare<[string, number], DeliveryRow>(
        "SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
      ),
      due: db.prepare<[number, number], DueRow>(
        `SELECT ${DUE_COLUMNS} FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.rowid LIMIT ?`,
      ),
      claim: db.prepare("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ? AND status = 'pending' AND next_attempt_at <= ?"),
      settle: db.prepare(
        `UPDATE webhook_deliveries SET status = @status, attempts = @attempts, next_attempt_at = @nextAttemptAt, body = @body,
           last_status = @lastStatus, last_error = @lastError, delivered_at = @deliveredAt WHERE id = @id`,
      ),
      prune: db.prepare(
        `DELETE FROM webhook_deliveries WHERE rowid IN
           (SELECT rowid FROM webhook_deliveries WHERE status <> 'pending' AND created_at < ? ORDER BY created_at LIMIT ?)`,
      ),
    };
  }

  /** Puts the deliveries an event calls for in the outbox (in the caller's transaction). */
  enqueue(runId: string, event: RunEventBody, at: string): void {
    if (!OUTBOX_EVENTS.has(event.type)) return;
    this.statements.enqueue.run({ runId, type: event.type, approvalId: approvalIdOf(event) ?? null, now: Date.now(), at });
  }

  createWebhook(w: WebhookRecord): void {
    this.statements.create.run({ ...w, events: JSON.stringify(w.events), description: w.description ?? null, runId: w.runId ?? null });
  }

  listWebhooks(tenant: string): WebhookRecord[] {
    return this.statements.list.all(tenant).map(toWebhook);
  }

  getWebhook(id: string): WebhookRecord | undefined {
    const row = this.statements.get.get(id);
    return row ? toWebhook(row) : undefined;
  }

  deleteWebhook(id: string): boolean {
    this.statements.dropPending.run(id);
    return this.statements.remove.run(id).changes === 1;
  }

  listDeliveries(webhookId: string, limit: number): DeliveryRecord[] {
    return this.statements.deliveries.all(webhookId, limit).map(toDelivery);
  }

  dueDeliveries(now: number, limit: number): { delivery: DeliveryRecord; webhook: WebhookRecord }[] {
    return this.statements.due.all(now, limit).map(toDue);
  }

  claimDelivery(id: string, now: number, until: number): boolean {
    return this.statements.claim.run(until, id, now).changes === 1;
  }

  settleDelivery(id: string, patch: DeliveryPatch): void {
    this.statements.settle.run({
      id,
      ...patch,
      lastStatus: patch.lastStatus ?? null,
      lastError: patch.lastError ?? null,
      deliveredAt: patch.deliveredAt ?? null,
    });
  }

  deleteDeliveries(before: string, limit: number): number {
    return this.statements.prune.run(before, limit).changes;
  }
}
