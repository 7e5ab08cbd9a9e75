import type { RunEventBody, WebhookEvent } from "../../contract/index.ts";

/** A webhook as stored: a tenant's receiver of some events, or one run's receiver of all of them. */
export interface WebhookRecord {
  id: string;
  tenant: string;
  url: string;
  events: WebhookEvent[];
  description?: string;
  /** `whsec_` + base64 of the signing key. */
  secret: string;
  /** Set for the webhook of one run (`POST /api/runs` with `webhook`). */
  runId?: string;
  createdAt: string;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One message to one webhook, from the outbox; its id is the `webhook-id` of every attempt. */
export interface DeliveryRecord {
  id: string;
  webhookId: string;
  runId: string;
  type: WebhookEvent;
  approvalId?: string;
  /** The body sent, fixed at the first attempt so that every retry sends the same. */
  body?: string;
  status: DeliveryStatus;
  attempts: number;
  /** Epoch ms of the next attempt (while pending). */
  nextAttemptAt: number;
  lastStatus?: number;
  lastError?: string;
  createdAt: string;
  deliveredAt?: string;
}

/** What an attempt changes in a delivery. */
export interface DeliveryPatch {
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  body: string;
  lastStatus?: number;
  lastError?: string;
  deliveredAt?: string;
}

/** The approval an approval event is about: in `data.approval` when asked, `data.approvalId` otherwise. */
export function approvalIdOf(event: RunEventBody): string | undefined {
  switch (event.type) {
    case "approval.requested":
      return event.data.approval.id;
    case "approval.resolved":
    case "approval.escalated":
      return event.data.approvalId;
    default:
      return undefined;
  }
}
