import { GuildError, isGuildError } from "../errors/index.ts";
import type { ModelFailureCause } from "./types.ts";

/** How a model call survives a slow, busy or flaky server. */
export interface RetryPolicy {
  /** Attempts after the first one. */
  maxRetries: number;
  /**
   * How long an attempt may go without a sign of life: the answer, or its first or next streamed
   * piece. A slow model that keeps writing is not cut off; a server that went quiet is.
   */
  timeoutMs: number;
  /** The first wait between attempts; it doubles with each retry, with jitter. */
  baseDelayMs: number;
  /** The longest wait between attempts; a server asking for a longer one (retry-after) is not retried. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxRetries: 3,
  timeoutMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
});

/** What went wrong with one attempt, as a provider sees it. */
export interface AttemptFailure {
  cause: ModelFailureCause;
  retryable: boolean;
  /** What the server said or did, for a person. */
  detail: string;
  /** How long the server asked to wait before trying again (`retry-after`). */
  retryAfterMs?: number;
  status?: number;
}

/**
 * Exponential backoff with equal jitter: half the doubled delay is fixed, half is random, so that
 * clients that failed together do not come back together.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** How long to wait before retry number `retry` (from 0), or undefined to give up. */
export function nextDelay(
  failure: AttemptFailure,
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (!failure.retryable || retry >= policy.maxRetries) return undefined;
  // Retrying before the server said it would serve us again only spends a retry.
  if (failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxDelayMs) return undefined;
  return Math.max(backoffDelay(retry, policy, random), failure.retryAfterMs ?? 0);
}

export interface ModelCallRetry {
  policy: RetryPolicy;
  /** Cancels the call: aborts the attempt in flight, or the wait before the next one. */
  signal?: AbortSignal | undefined;
  /** Turns an attempt's error into a failure; timeouts and cancellation never reach it. */
  classify(error: unknown): AttemptFailure;
  /** Names the call at the head of the final error, e.g. "qwen2.5:3b failed to plan". */
  what: string;
  random?: () => number;
}

/** Marks an attempt aborted by its own timer, told apart from a cancelled call. */
class AttemptTimeout extends Error {}

function cancelled(signal: AbortSignal): GuildError {
  return isGuildError(signal.reason)
    ? (signal.reason as GuildError)
    : new GuildError("cancelled", "the model call was cancelled", { cause: signal.reason });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(cancelled(signal));
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
    };
    const abort = () => {
      done();
      reject(cancelled(signal!));
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    signal?.addEventListener("abort", abort, { once: true });
  });
}

type Outcome<T> = { ok: true; value: T } | { ok: false; failure: AttemptFailure; error: unknown };

/** A model call's attempt: aborted through `signal`; calls `alive` whenever the server sends something. */
export type Attempt<T> = (signal: AbortSignal, alive: () => void) => Promise<T>;

/** One attempt under its own inactivity timeout, aborted with the call. */
async function attemptOnce<T>(attempt: Attempt<T>, options: ModelCallRetry): Promise<Outcome<T>> {
  const { policy, signal } = options;
  const controller = new AbortController();
  const expire = () => controller.abort(new AttemptTimeout(`the server sent nothing for ${policy.timeoutMs} ms`));
  let timer = setTimeout(expire, policy.timeoutMs);
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(expire, policy.timeoutMs);
  };
  const cancel = () => controller.abort(signal!.reason);
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    return { ok: true, value: await attempt(controller.signal, alive) };
  } catch (error) {
    if (signal?.aborted) throw cancelled(signal);
    if (isGuildError(error)) throw error;
    const reason: unknown = controller.signal.reason;
    if (reason instanceof AttemptTimeout)
      return { ok: false, failure: { cause: "timeout", retryable: true, detail: `${reason.message} (timeout)` }, error };
    return { ok: false, failure: options.classify(error), error };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", cancel);
  }
}

/**
 * Runs a model call with an inactivity timeout per attempt and bounded retries (backoff with jitter, at least
 * what `retry-after` asks) on failures the classifier calls retryable. Gives up with a
 * `model_error` whose message names the cause and whose details carry it; a cancelled call
 * throws the cancellation at once.
 * @example await withRetries((signal, alive) => streamReply(model, messages, { signal, onChunk: alive }), { policy, classify, what: "gpt-4o failed to plan" });
 */
export async function withRetries<T>(attempt: Attempt<T>, options: ModelCallRetry): Promise<T> {
  for (let retry = 0; ; retry += 1) {
    if (options.signal?.aborted) throw cancelled(options.signal);
    const outcome = await attemptOnce(attempt, options);
    if (outcome.ok) return outcome.value;
    const { failure, error } = outcome;
    const delay = nextDelay(failure, retry, options.policy, options.random);
    if (delay === undefined) {
      const attempts = retry + 1;
      const tail = attempts > 1 ? ` (gave up after ${attempts} attempts)` : "";
      throw new GuildError("model_error", `${options.what}: ${failure.detail}${tail}`, {
        cause: error,
        details: { cause: failure.cause, attempts, ...(failure.status === undefined ? {} : { status: failure.status }) },
      });
    }
    await sleep(delay, options.signal);
  }
}
