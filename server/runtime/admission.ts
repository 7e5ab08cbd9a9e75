import { GuildError } from "../../agents/errors/index.ts";

/** Resumed runs (a reviewer decided and waits for what follows) go before runs not yet started. */
export type AdmissionPriority = "resume" | "start";

interface Waiting {
  runId: string;
  priority: AdmissionPriority;
  grant(): void;
  refuse(error: GuildError): void;
}

/**
 * How many runs this process executes at once. Runs beyond the cap wait their turn, first in first
 * out within each priority, so a burst is served in the order it came and no run starves; the
 * event loop stays free to answer the API and sockets meanwhile.
 */
export class Admission {
  private running = 0;
  private readonly waiting: Waiting[] = [];
  private closed = false;

  constructor(readonly capacity: number) {}

  /** Runs executing now. */
  get active(): number {
    return this.running;
  }

  /** Runs waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Resolves with the function that gives the slot back, at once when one is free; otherwise calls
   * `onQueued` with how many wait ahead, and resolves when the run's turn comes. Rejects with
   * `cancelled` when the admission closes first.
   */
  enter(runId: string, priority: AdmissionPriority, onQueued?: (ahead: number) => void): Promise<() => void> {
    if (this.closed) return Promise.reject(new GuildError("cancelled", "the runtime is closing"));
    if (this.running < this.capacity) return Promise.resolve(this.take());
    return new Promise((resolve, reject) => {
      const entry: Waiting = { runId, priority, grant: () => resolve(this.take()), refuse: reject };
      // Resumed runs queue behind resumed runs, before every run not yet started.
      const at = priority === "resume" ? this.waiting.findIndex((w) => w.priority === "start") : -1;
      if (at === -1) this.waiting.push(entry);
      else this.waiting.splice(at, 0, entry);
      onQueued?.(this.waiting.indexOf(entry));
    });
  }

  /** Refuses every waiting run; slots in use are given back as their runs end. */
  close(): void {
    this.closed = true;
    for (const entry of this.waiting.splice(0)) entry.refuse(new GuildError("cancelled", "the runtime is closing"));
  }

  private take(): () => void {
    this.running += 1;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.running -= 1;
      this.waiting.shift()?.grant();
    };
  }
}
