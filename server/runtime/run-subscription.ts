import type { RunEvent } from "../contract/index.ts";
import type { RuntimeBus } from "./bus.ts";
import type { RunStore } from "./runs/index.ts";

const PAGE = 1000;

/**
 * One client's subscription to one run's events: a cursor on the run's event log. It replays what
 * the log holds after the cursor, then takes live events; each seq is sent once and in order, even
 * when a live event arrives out of step (a gap is filled from the log, a repeat is dropped).
 */
export class RunSubscription {
  private cursor: number;

  constructor(
    private readonly store: RunStore,
    readonly runId: string,
    afterSeq: number,
    private readonly send: (event: RunEvent) => void,
  ) {
    this.cursor = afterSeq;
  }

  /** The last seq sent. */
  get lastSeq(): number {
    return this.cursor;
  }

  /** Sends everything the log holds after the cursor. */
  replay(): void {
    for (;;) {
      const page = this.store.listEvents(this.runId, this.cursor, PAGE);
      page.forEach((event) => this.sendNext(event));
      if (page.length < PAGE) return;
    }
  }

  /** Takes a live event of this run. */
  deliver(event: RunEvent): void {
    if (event.seq <= this.cursor) return;
    if (event.seq > this.cursor + 1) this.replay();
    if (event.seq === this.cursor + 1) this.sendNext(event);
  }

  private sendNext(event: RunEvent): void {
    this.cursor = event.seq;
    this.send(event);
  }
}

/** A follower's handle: the last seq it was sent by the replay, and how to stop following. */
export interface Following {
  lastSeq: number;
  stop(): void;
}

/**
 * Every subscription of this process to runs' events, by run, fed by one listener on the bus.
 * The listener joins at the first subscription, so listeners registered before it (a benchmark's
 * clock) hear an event first.
 */
export class RunFollowers {
  private readonly byRun = new Map<string, Set<RunSubscription>>();
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly bus: RuntimeBus,
  ) {}

  /** Replays the run's events after `afterSeq` to `send`, then follows live; in one turn of the event loop, so no event falls between. */
  follow(runId: string, afterSeq: number, send: (event: RunEvent) => void): Following {
    this.stopListening ??= this.bus.on("event", (event) => this.byRun.get(event.runId)?.forEach((s) => s.deliver(event)));
    const subscription = new RunSubscription(this.store, runId, afterSeq, send);
    subscription.replay();
    let set = this.byRun.get(runId);
    if (!set) this.byRun.set(runId, (set = new Set()));
    set.add(subscription);
    return {
      lastSeq: subscription.lastSeq,
      stop: () => {
        set.delete(subscription);
        if (set.size === 0 && this.byRun.get(runId) === set) this.byRun.delete(runId);
      },
    };
  }

  close(): void {
    this.stopListening?.();
    this.byRun.clear();
  }
}
