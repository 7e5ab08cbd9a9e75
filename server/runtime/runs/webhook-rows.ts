import { WEBHOOK_EVENTS, type WebhookEvent } from "../../contract/index.ts";
import type { DeliveryRecord, WebhookRecord } from "./webhook-types.ts";

// The outbox's rows as both engines keep them: events as JSON text, instants as ISO text, the
// next attempt as epoch ms (Postgres answers a bigint as text, hence `Number`).

export interface WebhookRow {
  id: string;
  tenant: string;
  url: string;
  events: string;
  description: string | null;
  secret: string;
  run_id: string | null;
  created_at: string;
}

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  run_id: string;
  type: WebhookEvent;
  approval_id: string | null;
  body: string | null;
  status: DeliveryRecord["status"];
  attempts: number;
  next_attempt_at: number | string;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export const toWebhook = (row: WebhookRow): WebhookRecord => ({
  id: row.id,
  tenant: row.tenant,
  url: row.url,
  events: JSON.parse(row.events) as WebhookEvent[],
  ...(row.description ? { description: row.description } : {}),
  secret: row.secret,
  ...(row.run_id ? { runId: row.run_id } : {}),
  createdAt: row.created_at,
});

export const toDelivery = (row: DeliveryRow): DeliveryRecord => ({
  id: row.id,
  webhookId: row.webhook_id,
  runId: row.run_id,
  type: row.type,
  ...(row.approval_id ? { approvalId: row.approval_id } : {}),
  ...(row.body !== null ? { body: row.body } : {}),
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: Number(row.next_attempt_at),
  ...(row.last_status !== null ? { lastStatus: row.last_status } : {}),
  ...(row.last_error !== null ? { lastError: row.last_error } : {}),
  createdAt: row.created_at,
  ...(row.delivered_at ? { deliveredAt: row.delivered_at } : {}),
});

/** A delivery row and its webhook's, read in one join (`w_` columns are the webhook's). */
export type DueRow = DeliveryRow & {
  w_tenant: string;
  w_url: string;
  w_events: string;
  w_description: string | null;
  w_secret: string;
  w_run_id: string | null;
  w_created_at: string;
};

export const toDue = (row: DueRow): { delivery: DeliveryRecord; webhook: WebhookRecord } => ({
  delivery: toDelivery(row),
  webhook: toWebhook({
    id: row.webhook_id,
    tenant: row.w_tenant,
    url: row.w_url,
    events: row.w_events,
    description: row.w_description,
    secret: row.w_secret,
    run_id: row.w_run_id,
    created_at: row.w_created_at,
  }),
});

/** The columns of a due delivery's query: the delivery's, and its webhook's as `w_`. */
export const DUE_COLUMNS = `d.*, w.tenant AS w_tenant, w.url AS w_url, w.events AS w_events, w.description AS w_description, w.secret AS w_secret, w.run_id AS w_run_id, w.created_at AS w_created_at`;

/** The webhook events stored as run events; only these put deliveries in the outbox. */
export const OUTBOX_EVENTS: ReadonlySet<string> = new Set<string>(WEBHOOK_EVENTS);
