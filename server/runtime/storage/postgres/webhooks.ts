import type pg from "pg";
import type { DeliveryPatch, DeliveryRecord, WebhookRecord } from "../../runs/index.ts";
import { DUE_COLUMNS, toDelivery, toDue, toWebhook, type DeliveryRow, type DueRow, type WebhookRow } from "../../runs/webhook-rows.ts";
import type { Queryable } from "./pool.ts";

/** The migration of the webhooks' tables (see migrations.ts): receivers per tenant or run, and the outbox. */
export const WEBHOOK_MIGRATION_SQL = `
CREATE TABLE webhooks (
  id text PRIMARY KEY,
  tenant text NOT NULL,
  url text NOT NULL,
  events text NOT NULL,
  description text,
  secret text NOT NULL,
  run_id text,
  created_at text NOT NULL,
  ord bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX webhooks_by_tenant ON webhooks (tenant, created_at);
CREATE TABLE webhook_deliveries (
  id text PRIMARY KEY,
  webhook_id text NOT NULL,
  run_id text NOT NULL,
  type text NOT NULL,
  approval_id text,
  body text,
  status text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL,
  last_status integer,
  last_error text,
  created_at text NOT NULL,
  delivered_at text,
  ord bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at);`;

/**
 * The part of an event's statement that puts its deliveries in the outbox, in the same statement
 * (so the same transaction): `$1` the run, `$2` the time, `$3` the type, and the two parameters
 * named here. Runs after `stored`, the event's insert.
 */
export const enqueueSql = (approvalParam: number, nowParam: number): string =>
  `queued AS (INSERT INTO webhook_deliveries (id, webhook_id, run_id, type, approval_id, status, attempts, next_attempt_at, created_at)
     SELECT 'msg_' || replace(gen_random_uuid()::text, '-', ''), w.id, $1, $3, $${approvalParam}, 'pending', 0, $${nowParam}, $2
     FROM stored, webhooks w JOIN runs r ON r.id = $1 AND r.tenant = w.tenant
     WHERE (w.run_id IS NULL OR w.run_id = $1) AND (w.events::jsonb) ? $3)`;

/** The webhooks' statements on Postgres. */
export class PostgresWebhooks {
  constructor(private readonly db: Queryable) {}

  private async rows<T extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }

  async createWebhook(w: WebhookRecord): Promise<void> {
    await this.db.query(
      "INSERT INTO webhooks (id, tenant, url, events, description, secret, run_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      [w.id, w.tenant, w.url, JSON.stringify(w.events), w.description ?? null, w.secret, w.runId ?? null, w.createdAt],
    );
  }

  async listWebhooks(tenant: string): Promise<WebhookRecord[]> {
    return (await this.rows<WebhookRow>("SELECT * FROM webhooks WHERE tenant = $1 ORDER BY created_at, ord", [tenant])).map(toWebhook);
  }

  async getWebhook(id: string): Promise<WebhookRecord | undefined> {
    const [row] = await this.rows<WebhookRow>("SELECT * FROM webhooks WHERE id = $1", [id]);
    return row ? toWebhook(row) : undefined;
  }

  async deleteWebhook(id: string): Promise<boolean> {
    await this.db.query("DELETE FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'pending'", [id]);
    return ((await this.db.query("DELETE FROM webhooks WHERE id = $1", [id])).rowCount ?? 0) > 0;
  }

  async listDeliveries(webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    return (
      await this.rows<DeliveryRow>("SELECT * FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC, ord DESC LIMIT $2", [
        webhookId,
        limit,
      ])
    ).map(toDelivery);
  }

  async dueDeliveries(now: number, limit: number): Promise<{ delivery: DeliveryRecord; webhook: WebhookRecord }[]> {
    const rows = await this.rows<DueRow>(
      `SELECT ${DUE_COLUMNS} FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
       WHERE d.status = 'pending' AND d.next_attempt_at <= $1 ORDER BY d.next_attempt_at, d.ord LIMIT $2`,
      [now, limit],
    );
    return rows.map(toDue);
  }

  async claimDelivery(id: string, now: number, until: number): Promise<boolean> {
    const result = await this.db.query(
      "UPDATE webhook_deliveries SET next_attempt_at = $1 WHERE id = $2 AND status = 'pending' AND next_attempt_at <= $3",
      [until, id, now],
    );
    return (result.rowCount ?? 0) === 1;
  }

  async settleDelivery(id: string, p: DeliveryPatch): Promise<void> {
    await this.db.query(
      "UPDATE webhook_deliveries SET status = $2, attempts = $3, next_attempt_at = $4, body = $5, last_status = $6, last_error = $7, delivered_at = $8 WHERE id = $1",
      [id, p.status, p.attempts, p.nextAttemptAt, p.body, p.lastStatus ?? null, p.lastError ?? null, p.deliveredAt ?? null],
    );
  }

  async deleteDeliveries(before: string, limit: number): Promise<number> {
    const result = await this.db.query(
      `DELETE FROM webhook_deliveries WHERE id IN
         (SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1 ORDER BY created_at LIMIT $2)`,
      [before, limit],
    );
    return result.rowCount ?? 0;
  }
}
