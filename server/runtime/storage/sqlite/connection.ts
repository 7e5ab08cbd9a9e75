import type Database from "better-sqlite3";
import { isSqliteBusy, withRetry, type RetryOptions } from "../../../../agents/faults/index.ts";

/**
 * One better-sqlite3 connection shared by the runtime's stores (runs, checkpoints, memory), used
 * one piece of work at a time.
 *
 * better-sqlite3 is synchronous, and a transaction of the async storage port spans awaits: without
 * a lock, another run's checkpoint write would land inside it (the same connection) and commit or
 * roll back with it. So all work queues here. And `busy_timeout` would wait for another process's
 * lock on the event loop, freezing the server; instead the connection never waits inside SQLite
 * (`busy_timeout = 0`) and a busy attempt is retried after a timer, with the queue released, so
 * reads and the rest of the server go on meanwhile.
 */
export class SqliteConnection {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly db: Database.Database,
    private readonly retry: RetryOptions = {},
  ) {
    db.pragma("busy_timeout = 0");
  }

  /**
   * Runs `work` alone on the connection (it may await, but only its own use of `db`), retrying it
   * whole while the database is busy.
   */
  run<T>(work: () => T | Promise<T>): Promise<T> {
    return withRetry(() => this.alone(work), isSqliteBusy, this.retry);
  }

  /**
   * Runs `work` in a write transaction (BEGIN IMMEDIATE: the write lock is taken first, so nothing
   * inside can fail for being busy), committed when it resolves and rolled back when it throws.
   */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.run(async () => {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = await work();
        this.db.exec("COMMIT");
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  close(): Promise<void> {
    return this.alone(() => {
      this.db.close();
    });
  }

  /**
   * Queues `work` behind everything queued before it, each piece in a turn of the event loop of its
   * own: better-sqlite3 answers at once, so without the turn a run's steps would follow one another
   * in microtasks, and HTTP requests and sockets would wait until every run paused.
   */
  private alone<T>(work: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
