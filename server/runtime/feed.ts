import type { Logger } from "pino";
import { DEFAULT_TENANT, type Approval, type RunEvent } from "../contract/index.ts";
import type { RuntimeBus } from "./bus.ts";
import { repeat } from "./repeat.ts";
import type { FeedCursor, RunStore } from "./runs/index.ts";
import { approvalView } from "./views.ts";

const BATCH = 500;
/** How soon to read again when events are stored but not yet readable (a transaction before them is still open). */
const WAITING_RETRY_MS = [5, 10, 20, 40, 80, 160];

/**
 * Tells this process's listeners of every stored event exactly once, in the order the store's
 * feed gives (see `RunStore.eventsAfter`), whether this process stored it or another one sharing
 * the database: at once after a local commit, when another process signals, and on a timer.
 */
export class EventFeed {
  private running: Promise<void> | undefined;
  private again = false;
  private readonly timer: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private waitingRounds = 0;
  private closed = false;
  /** The tenants of runs whose approvals were told lately (see tenantOf). */
  private readonly tenants = new Map<string, string>();

  private constructor(
    private readonly store: RunStore,
    private readonly bus: RuntimeBus,
    private cursor: FeedCursor,
    pollMs: number,
    private readonly log: Logger,
  ) {
    this.timer = repeat(pollMs, () => this.catchUp(), log, "could not read new events; trying again");
  }

  /** A feed that starts now: events already stored count as told. */
  static async open(store: RunStore, bus: RuntimeBus, pollMs: number, log: Logger): Promise<EventFeed> {
    return new EventFeed(store, bus, await store.feedHead(), pollMs, log);
  }

  /**
   * Delivers everything stored since the last delivery; resolves once what was readable when it
   * was called has been told. Call it after each commit that stored events. Calls during a
   * delivery join it, and it reads again before it ends.
   */
  catchUp(): Promise<void> {
    this.again = true;
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retry) clearTimeout(this.retry);
  }

  private async drain(): Promise<void> {
    while (this.again && !this.closed) {
      this.again = false;
      for (;;) {
        const { events, cursor, waiting } = await this.store.eventsAfter(this.cursor, BATCH);
        for (const event of events) {
          this.bus.emit("event", event);
          await this.tellInbox(event);
        }
        this.cursor = cursor;
        if (events.length === BATCH) continue;
        this.readAgainSoon(waiting);
        break;
      }
    }
  }

  /** Events stored behind a transaction still open are read as soon as it ends, not at the next tick. */
  private readAgainSoon(waiting: boolean): void {
    if (!waiting || this.closed) {
      this.waitingRounds = 0;
      return;
    }
    if (this.retry) return;
    const delay = WAITING_RETRY_MS[Math.min(this.waitingRounds, WAITING_RETRY_MS.length - 1)]!;
    this.waitingRounds += 1;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.catchUp().catch((error: unknown) => this.log.warn({ err: error }, "could not read new events; trying again"));
    }, delay);
    this.retry.unref();
  }

  /** Tells the inbox of an approval event; what goes wrong here is the inbox's, not the run's that stored it. */
  private async tellInbox(event: RunEvent): Promise<void> {
    try {
      const approval = await this.approvalOf(event);
      if (approval) this.bus.emit("approval", { ...approval, tenant: await this.tenantOf(event.runId) });
    } catch (error) {
      this.log.error({ err: error, type: event.type }, "could not tell the inbox of an approval event");
    }
  }

  /** The tenant of a run; a run's tenant never changes, so the last few are kept. */
  private async tenantOf(runId: string): Promise<string> {
    const known = this.tenants.get(runId);
    if (known) return known;
    const tenant = (await this.store.getRun(runId))?.tenant ?? DEFAULT_TENANT;
    if (this.tenants.size >= 1000) this.tenants.delete(this.tenants.keys().next().value!);
    this.tenants.set(runId, tenant);
    return tenant;
  }

  /** The inbox's view of an approval event: the approval as it was asked, or as it was decided. */
  private async approvalOf(event: RunEvent): Promise<{ type: "requested" | "resolved" | "escalated"; approval: Approval } | undefined> {
    if (event.type === "approval.requested") return { type: "requested", approval: event.data.approval };
    if (event.type !== "approval.resolved" && event.type !== "approval.escalated") return undefined;
    const record = await this.store.getApproval(event.data.approvalId);
    return record ? { type: event.type === "approval.resolved" ? "resolved" : "escalated", approval: approvalView(record) } : undefined;
  }
}
