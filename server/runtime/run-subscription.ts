import type { RunEvent } from "../contract/index.ts";
import type { RuntimeBus } from "./bus.ts";
import type { RunStore } from "./runs/index.ts";

const PAGE = 1000;

/**
 * One client's subscription to one run's events: a cursor on the run's event log. It replays what
 * the log holds after the cursor, then takes live events; each seq is sent once and in order, even
 * when a live event arrives out of step (a gap is filled from the log, a repeat is dropped). Work
 * is done one piece at a time, so a replay and a live event never interleave.
 */
export class RunSubscription {
  private cursor: number;
  private turn: Promise<void> = Promise.resolve();
  private stopped = false;

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

  /** Sends everything the log holds after the cursor; resolves when it has. */
  replay(): Promise<void> {
    return this.next(() => this.replayNow());
  }

  /** Takes a live event of this run. */
  deliver(event: RunEvent): void {
    if (event.seq <= this.cursor) return;
    void this.next(async () => {
      if (event.seq <= this.cursor) return;
      if (event.seq > this.cursor + 1) await this.replayNow();
      if (event.seq === this.cursor + 1) this.sendNext(event);
    });
  }

  stop(): void {
    this.stopped = true;
  }

  private next(work: () => Promise<void>): Promise<void> {
    const done = this.turn.then(work);
    this.turn = done.catch(() => undefined);
    return done;
  }

  private async replayNow(): Promise<void> {
    for (;;) {
      const page = await this.store.listEvents(this.runId, this.cursor, PAGE);
      page.forEach((event) => this.sendNext(event));
      if (page.length < PAGE || this.stopped) return;
    }
  }

  private sendNext(event: RunEvent): void {
    if (this.stopped || event.seq !== this.cursor + 1) return;
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

  /**
   * Replays the run's events after `afterSeq` to `send`, then follows live. The subscription
   * listens before it reads the log, so an event stored meanwhile is either in the replay or
   * delivered after it, never lost.
   */
  async follow(runId: string, afterSeq: number, send: (event: RunEvent) => void): Promise<Following> {
    this.stopListening ??= this.bus.on("event", (event) => this.byRun.get(event.runId)?.forEach((s) => s.deliver(event)));
    const subscription = new RunSubscription(this.store, runId, afterSeq, send);
    let set = this.byRun.get(runId);
    if (!set) this.byRun.set(runId, (set = new Set()));
    set.add(subscription);
    const stop = (): void => {
      subscription.stop();
      set.delete(subscription);
      if (set.size === 0 && this.byRun.get(runId) === set) this.byRun.delete(runId);
    };
    try {
      await subscription.replay();
    } catch (error) {
      stop();
      throw error;
    }
    return { lastSeq: subscription.lastSeq, stop };
  }

  close(): void {
    this.stopListening?.();
    this.byRun.clear();
  }
}
