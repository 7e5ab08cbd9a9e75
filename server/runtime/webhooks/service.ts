import { randomUUID } from "node:crypto";
import { GuildError } from "../../../agents/errors/index.ts";
import { WEBHOOK_EVENTS, type Principal, type Webhook, type WebhookDelivery } from "../../contract/index.ts";
import type { DeliveryRecord, RunStore, RunStoreTx, WebhookRecord } from "../runs/index.ts";
import { newWebhookSecret } from "./signing.ts";
import { checkWebhookTarget } from "./targets.ts";

/** A webhook as clients see it: never its secret. */
export function webhookView(w: WebhookRecord): Webhook {
  return {
    id: w.id,
    url: w.url,
    events: [...w.events],
    ...(w.description ? { description: w.description } : {}),
    ...(w.runId ? { runId: w.runId } : {}),
    createdAt: w.createdAt,
  };
}

/** A delivery as clients see it. */
export function deliveryView(d: DeliveryRecord): WebhookDelivery {
  return {
    id: d.id,
    type: d.type,
    status: d.status,
    attempts: d.attempts,
    ...(d.lastStatus !== undefined ? { lastStatus: d.lastStatus } : {}),
    ...(d.lastError !== undefined ? { lastError: d.lastError } : {}),
    createdAt: d.createdAt,
    ...(d.deliveredAt ? { deliveredAt: d.deliveredAt } : {}),
    ...(d.status === "pending" ? { nextAttemptAt: new Date(d.nextAttemptAt).toISOString() } : {}),
  };
}

const newWebhookId = (): string => `whk_${randomUUID().replace(/-/g, "").slice(0, 20)}`;

/** A tenant's webhooks: made, listed and deleted by its admins; each tenant sees only its own. */
export class Webhooks {
  constructor(
    private readonly store: RunStore,
    private readonly allowPrivate: boolean,
  ) {}

  /** Makes a webhook of the principal's tenant; its secret is answered once, here. */
  async create(
    input: { url: string; events: Webhook["events"]; description?: string | undefined },
    who: Principal,
  ): Promise<{ webhook: Webhook; secret: string }> {
    await checkWebhookTarget(input.url, this.allowPrivate);
    const record: WebhookRecord = {
      id: newWebhookId(),
      tenant: who.tenant,
      url: input.url,
      events: [...new Set(input.events)],
      ...(input.description ? { description: input.description } : {}),
      secret: newWebhookSecret(),
      createdAt: new Date().toISOString(),
    };
    await this.store.createWebhook(record);
    return { webhook: webhookView(record), secret: record.secret };
  }

  /** Checks a run's own webhook URL before the run is made (a private receiver is refused). */
  async checkRunWebhook(url: string): Promise<void> {
    await checkWebhookTarget(url, this.allowPrivate, "webhook");
  }

  /** The webhook of one run, every event, made in the run's own transaction. */
  async createForRun(tx: RunStoreTx, url: string, runId: string, who: Principal): Promise<{ id: string; secret: string }> {
    const record: WebhookRecord = {
      id: newWebhookId(),
      tenant: who.tenant,
      url,
      events: [...WEBHOOK_EVENTS],
      secret: newWebhookSecret(),
      runId,
      createdAt: new Date().toISOString(),
    };
    await tx.createWebhook(record);
    return { id: record.id, secret: record.secret };
  }

  async list(who: Principal): Promise<Webhook[]> {
    return (await this.store.listWebhooks(who.tenant)).map(webhookView);
  }

  async delete(id: string, who: Principal): Promise<Webhook> {
    const record = await this.own(id, who);
    await this.store.deleteWebhook(id);
    return webhookView(record);
  }

  /** A webhook's deliveries, newest first. */
  async deliveries(id: string, who: Principal, limit = 100): Promise<WebhookDelivery[]> {
    await this.own(id, who);
    return (await this.store.listDeliveries(id, limit)).map(deliveryView);
  }

  private async own(id: string, who: Principal): Promise<WebhookRecord> {
    const record = await this.store.getWebhook(id);
    if (!record || record.tenant !== who.tenant) throw new GuildError("not_found", `no webhook '${id}'`);
    return record;
  }
}
