/**
 * Stores a run's events as they come, several at once: while one write is under way the next
 * events gather, and go in the next write (one transaction, one notification to other processes).
 * Order is kept. A write that fails stops the batcher; `drain` throws its error.
 */
export class EventBatcher<E> {
  private buffer: E[] = [];
  private writing: Promise<void> | undefined;
  private failure: unknown;

  constructor(private readonly write: (events: E[]) => Promise<void>) {}

  push(event: E): void {
    if (this.failure !== undefined) return;
    this.buffer.push(event);
    this.kick();
  }

  /** Resolves once every pushed event is stored; throws what a write threw. */
  async drain(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
    if (this.failure !== undefined) throw this.failure;
  }

  private kick(): void {
    if (this.writing || this.failure !== undefined) return;
    this.writing = this.flush().finally(() => {
      this.writing = undefined;
      // Events pushed as the last write ended start the next one.
      if (this.buffer.length > 0) this.kick();
    });
  }

  private async flush(): Promise<void> {
    while (this.buffer.length > 0 && this.failure === undefined) {
      const batch = this.buffer;
      this.buffer = [];
      try {
        await this.write(batch);
      } catch (error) {
        this.failure = error;
      }
    }
  }
}
