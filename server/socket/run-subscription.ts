import type { RunEvent } from "../contract/index.ts";
import type { Runtime } from "../runtime/index.ts";

const PAGE = 1000;

/**
 * One client's subscription to one run's events: a cursor on the run's event log. It replays what
 * the log holds after the cursor, then takes live events; each seq is sent once and in order, even
 * when a live event arrives out of step (a gap is filled from the log, a repeat is dropped).
 */
export class RunSubscription {
  private cursor: number;

  constructor(
    private readonly runtime: Runtime,
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
      const page = this.runtime.listEvents(this.runId, this.cursor, PAGE);
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
