import type { Logger } from "pino";
import type { DeliveryRecord, RunStore, WebhookRecord } from "../runs/index.ts";
import { signWebhook } from "./signing.ts";
import { checkWebhookTarget } from "./targets.ts";

/** How the outbox is sent: retries, deadlines, and whether private receivers are allowed. */
export interface WebhookSettings {
  /** `GUILD_WEBHOOK_ALLOW_PRIVATE=1`: receivers on loopback and private networks (tests, a LAN). */
  allowPrivate?: boolean;
  /** The first retry's delay; each next one doubles, up to a day. 5 s by default. */
  retryBaseMs?: number;
  /** How long a receiver has to answer. 10 s by default. */
  timeoutMs?: number;
  /** How often the outbox is read for due deliveries (other processes', and retries). 1 s by default. */
  pollMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** After this many attempts (about three days with the default base) a delivery is given up. */
const MAX_ATTEMPTS = 20;
const BATCH = 20;

/** The `data` of a message: the run's view for run events, the approval's for approval events. */
export type DescribeDelivery = (delivery: DeliveryRecord, webhook: WebhookRecord) => Promise<unknown>;

/** The delay before attempt `attempts + 1`: doubling from the base, at most a day. */
export const retryDelay = (attempts: number, baseMs: number): number => Math.min(DAY_MS, baseMs * 2 ** Math.max(0, attempts - 1));

/**
 * Sends the outbox: each due delivery is claimed (so one process sends it), sent signed, and
 * marked delivered on a 2xx; anything else (another status, a timeout, a refused connection) is
 * retried with the same `webhook-id` and body after an exponential backoff. Deliveries live in
 * the database, so they outlast restarts.
 */
export class WebhookDispatcher {
  private readonly timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private readonly inFlight = new Set<AbortController>();

  constructor(
    private readonly store: RunStore,
    private readonly describe: DescribeDelivery,
    private readonly log: Logger,
    private readonly settings: WebhookSettings = {},
  ) {
    const pollMs = settings.pollMs ?? 1000;
    this.timer = pollMs > 0 ? setInterval(() => this.kick(), pollMs) : undefined;
    this.timer?.unref();
  }

  /** Reads the outbox now (deliveries were just written), once at a time. */
  kick(): void {
    if (this.closed) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.sendDue()
      .catch((error: unknown) => this.log.warn({ err: error }, "could not read the webhook outbox; trying again"))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.inFlight.forEach((c) => c.abort());
    await this.running;
  }

  private async sendDue(): Promise<void> {
    const now = Date.now();
    const due = await this.store.dueDeliveries(now, BATCH);
    const timeoutMs = this.settings.timeoutMs ?? 10_000;
    await Promise.all(
      due.map(async ({ delivery, webhook }) => {
        // Held past the attempt's deadline: if this process dies mid-attempt, another sends it later.
        if (!(await this.store.claimDelivery(delivery.id, now, now + timeoutMs + 5_000))) return;
        await this.attempt(delivery, webhook, timeoutMs);
      }),
    );
    if (due.length === BATCH) this.again = true;
  }

  private async attempt(delivery: DeliveryRecord, webhook: WebhookRecord, timeoutMs: number): Promise<void> {
    const body =
      delivery.body ??
      JSON.stringify({ type: delivery.type, timestamp: new Date().toISOString(), data: await this.describe(delivery, webhook) });
    const attempts = delivery.attempts + 1;
    const timestamp = Math.floor(Date.now() / 1000);
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    let outcome: { status?: number; error?: string };
    try {
      await checkWebhookTarget(webhook.url, this.settings.allowPrivate === true);
      const res = await fetch(webhook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": delivery.id,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": signWebhook(webhook.secret, delivery.id, timestamp, body),
          "user-agent": "Guild-Webhooks",
        },
        body,
        redirect: "manual",
        signal: controller.signal,
      });
      await res.body?.cancel().catch(() => undefined);
      outcome = res.ok ? { status: res.status } : { status: res.status, error: `the receiver answered ${res.status}` };
    } catch (error) {
      outcome = { error: (error as Error).message };
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
    if (this.closed && outcome.error) return; // stopped mid-attempt: the claim runs out and it is sent again
    const delivered = outcome.error === undefined;
    const givenUp = !delivered && attempts >= MAX_ATTEMPTS;
    await this.store.settleDelivery(delivery.id, {
      status: delivered ? "delivered" : givenUp ? "failed" : "pending",
      attempts,
      body,
      nextAttemptAt: delivered || givenUp ? 0 : Date.now() + retryDelay(attempts, this.settings.retryBaseMs ?? 5_000),
      ...(outcome.status !== undefined ? { lastStatus: outcome.status } : {}),
      ...(outcome.error !== undefined ? { lastError: outcome.error } : {}),
      ...(delivered ? { deliveredAt: new Date().toISOString() } : {}),
    });
    this.log[delivered ? "debug" : "warn"](
      { webhookId: webhook.id, deliveryId: delivery.id, type: delivery.type, attempts, ...outcome },
      delivered ? "webhook delivered" : "webhook attempt failed",
    );
    if (!delivered && !givenUp) setTimeout(() => this.kick(), retryDelay(attempts, this.settings.retryBaseMs ?? 5_000) + 5).unref();
  }
}
