import { setTimeout as sleep } from "node:timers/promises";

/**
 * How storage waits out a transient fault (a lock another process holds, a dropped connection):
 * exponential backoff with equal jitter, for at most `budgetMs` in all.
 */
export interface RetryOptions {
  /** How long to keep trying before the fault is reported. */
  budgetMs?: number;
  /** The first wait between attempts; it doubles with each retry. */
  baseMs?: number;
  /** The longest wait between attempts. */
  maxMs?: number;
  /** Told of each failure that is retried, and how long until the next attempt (for logs and metrics). */
  onRetry?: (error: unknown, waitMs: number) => void;
  /** The jitter's source, for tests. */
  random?: () => number;
}

/** Long enough to outlast an operator's maintenance lock or a failover, short enough to report a database that is gone. */
export const DEFAULT_RETRY: Readonly<Required<Pick<RetryOptions, "budgetMs" | "baseMs" | "maxMs">>> = Object.freeze({
  budgetMs: 60_000,
  baseMs: 5,
  maxMs: 500,
});

/**
 * Runs `attempt` until it succeeds, waiting after each failure `isTransient` accepts (on a timer,
 * never blocking the event loop); other failures, and the last transient one once the budget is
 * spent, are thrown as they are.
 */
export async function withRetry<T>(
  attempt: () => T | Promise<T>,
  isTransient: (error: unknown) => boolean,
  options: RetryOptions = {},
): Promise<T> {
  const { budgetMs, baseMs, maxMs } = { ...DEFAULT_RETRY, ...definedOnly(options) };
  const random = options.random ?? Math.random;
  const started = Date.now();
  for (let retry = 0; ; retry += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error)) throw error;
      // Equal jitter: half of each wait fixed, half random, so that processes that collided do not come back together.
      const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(retry, 30));
      const wait = ceiling / 2 + (random() * ceiling) / 2;
      if (Date.now() - started + wait > budgetMs) throw error;
      options.onRetry?.(error, wait);
      await sleep(wait);
    }
  }
}

const definedOnly = (options: RetryOptions) =>
  Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as RetryOptions;

/** SQLite answers these while another connection (another process) holds a lock it needs. */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^SQLITE_(BUSY|LOCKED)/.test(code);
}
