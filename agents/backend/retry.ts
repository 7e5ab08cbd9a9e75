import { GuildError, isGuildError } from "../errors/index.ts";
import { withRetry, type RetryOptions } from "../faults/index.ts";

export type { RetryOptions } from "../faults/index.ts";

/** A back-end gives up sooner than the runtime's own storage: a reviewer can be asked what to do. */
export const DEFAULT_BACKEND_RETRY: Readonly<Required<Pick<RetryOptions, "budgetMs" | "baseMs" | "maxMs">>> = Object.freeze({
  budgetMs: 10_000,
  baseMs: 10,
  maxMs: 250,
});

/**
 * Runs `attempt` until it succeeds, fails for good, or the budget is spent (see `withRetry`).
 * Past the budget it throws `tool_error` with `details.transient: true`, so that the engine can
 * tell "the back-end is unavailable" from "the back-end refused".
 */
export async function retryTransient<T>(
  attempt: () => T | Promise<T>,
  transient: (error: unknown) => boolean,
  what: string,
  options: RetryOptions = {},
): Promise<T> {
  const started = Date.now();
  let attempts = 0;
  const counted = () => {
    attempts += 1;
    return attempt();
  };
  const isTransient = (error: unknown) => !isGuildError(error) && transient(error);
  try {
    return await withRetry(counted, isTransient, {
      ...DEFAULT_BACKEND_RETRY,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    });
  } catch (error) {
    if (!isTransient(error)) throw error;
    throw new GuildError(
      "tool_error",
      `${what}: the back-end is unavailable (${(error as Error).message}); gave up after ${attempts} attempts in ${Date.now() - started} ms`,
      {
        cause: error,
        details: { transient: true, attempts },
      },
    );
  }
}

/** The back-end refused: a constraint, a trigger, a bad statement. Trying again would not help. */
export function refused(what: string, error: unknown): GuildError {
  return new GuildError("tool_error", `${what} failed in the back-end: ${(error as Error).message}`, {
    cause: error,
    details: { transient: false },
  });
}
