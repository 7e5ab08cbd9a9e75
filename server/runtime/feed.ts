import type { Logger } from "pino";
import type { Approval } from "../contract/index.ts";
import type { RuntimeBus } from "./bus.ts";
import type { RunStore } from "./runs/index.ts";
import { repeat } from "./repeat.ts";
import { approvalView } from "./views.ts";

const BATCH = 500;

/**
 * Tells this process's listeners of every stored event exactly once, in the order it was stored,
 * whether this process stored it or another one sharing the data directory. It follows the event
 * log by its global id: at once after a local commit, and on a timer for other processes.
 * Storing is serialised by the database, so ids rise in commit order and a cursor misses nothing.
 */
export class EventFeed {
  private cursor: number;
  private delivering = false;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly bus: RuntimeBus,
    pollMs: number,
    private readonly log: Logger,
  ) {
    this.cursor = store.lastEventId();
    this.timer = repeat(pollMs, () => this.catchUp(), log, "could not read new events; trying again");
  }

  /** Delivers everything stored since the last delivery. Call it after each commit that stored events. */
  catchUp(): void {
    // A listener that stores events (say, decides an approval) calls back in here; the loop below
    // reads again until nothing is new, so those events follow in order instead of nesting.
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (;;) {
        const batch = this.store.eventsAfterId(this.cursor, BATCH);
        if (batch.length === 0) return;
        for (const { id, event } of batch) {
          this.cursor = id;
          this.bus.emit("event", event);
          this.tellInbox(event.type, event.data);
        }
      }
    } finally {
      this.delivering = false;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Tells the inbox of an approval event; what goes wrong here is the inbox's, not the run's that stored it. */
  private tellInbox(type: string, data: Record<string, unknown>): void {
    try {
      const approval = this.approvalOf(type, data);
      if (approval) this.bus.emit("approval", approval);
    } catch (error) {
      this.log.error({ err: error, type }, "could not tell the inbox of an approval event");
    }
  }

  /** The inbox's view of an approval event: the approval as it was asked, or as it was decided. */
  private approvalOf(type: string, data: Record<string, unknown>): { type: "requested" | "resolved" | "escalated"; approval: Approval } | undefined {
    if (type === "approval.requested") return { type: "requested", approval: data.approval as Approval };
    if (type !== "approval.resolved" && type !== "approval.escalated") return undefined;
    const record = this.store.getApproval(String(data.approvalId));
    return record ? { type: type === "approval.resolved" ? "resolved" : "escalated", approval: approvalView(record) } : undefined;
  }
}
