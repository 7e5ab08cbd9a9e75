import { describe, expect, it } from "vitest";
import { GuildError, isGuildError } from "../../agents/errors/index.ts";
import { backoffDelay, nextDelay, withRetries, type AttemptFailure, type RetryPolicy } from "../../agents/models/index.ts";

const policy: RetryPolicy = { maxRetries: 3, timeoutMs: 1_000, baseDelayMs: 100, maxDelayMs: 1_000 };
const busy: AttemptFailure = { cause: "server_error", retryable: true, detail: "the server failed (503): busy", status: 503 };

async function failure(promise: Promise<unknown>): Promise<GuildError> {
  try {
    await promise;
  } catch (error) {
    if (isGuildError(error)) return error;
    throw error;
  }
  throw new Error("expected a GuildError");
}

describe("backoff", () => {
  it("doubles from the base delay, half fixed and half random, up to the ceiling", () => {
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
  });

  it("waits at least what retry-after asks, and not at all for a failure that is not worth retrying", () => {
    expect(nextDelay({ ...busy, retryAfterMs: 700 }, 0, policy, () => 0)).toBe(700);
    expect(nextDelay({ ...busy, retryAfterMs: 10 }, 2, policy, () => 0)).toBe(200);
    expect(nextDelay({ ...busy, retryable: false }, 0, policy)).toBeUndefined();
  });

  it("gives up when the retries are spent, or when the server asks for a longer wait than the ceiling", () => {
    expect(nextDelay(busy, 3, policy)).toBeUndefined();
    expect(nextDelay({ ...busy, retryAfterMs: 1_001 }, 0, policy)).toBeUndefined();
  });
});

describe("withRetries", () => {
  const fast: RetryPolicy = { maxRetries: 2, timeoutMs: 100, baseDelayMs: 1, maxDelayMs: 50 };
  const options = { policy: fast, classify: () => busy, what: "small failed to plan" };

  it("retries a retryable failure and returns the first success", async () => {
    let calls = 0;
    const value = await withRetries(async () => {
      calls += 1;
      if (calls < 3) throw new Error("503");
      return "plan";
    }, options);
    expect(value).toBe("plan");
    expect(calls).toBe(3);
  });

  it("ends in a model_error naming the call, the cause and the attempts", async () => {
    let calls = 0;
    const error = await failure(
      withRetries(async () => {
        calls += 1;
        throw new Error("503");
      }, options),
    );
    expect(calls).toBe(3);
    expect(error.code).toBe("model_error");
    expect(error.message).toBe("small failed to plan: the server failed (503): busy (gave up after 3 attempts)");
    expect(error.details).toEqual({ cause: "server_error", attempts: 3, status: 503 });
  });

  it("aborts an attempt past its timeout through the signal it was given, and names the timeout", async () => {
    const aborted: boolean[] = [];
    const error = await failure(
      withRetries(
        (signal) =>
          new Promise((_, reject) => {
            signal.addEventListener("abort", () => {
              aborted.push(true);
              reject(new Error("aborted"));
            });
          }),
        { ...options, policy: { ...fast, maxRetries: 1, timeoutMs: 30 } },
      ),
    );
    expect(aborted).toEqual([true, true]);
    expect(error.message).toBe("small failed to plan: the server sent nothing for 30 ms (timeout) (gave up after 2 attempts)");
    expect(error.details).toMatchObject({ cause: "timeout", attempts: 2 });
  });

  it("keeps an attempt that shows signs of life past the timeout", async () => {
    const value = await withRetries(
      async (signal, alive) => {
        // 320 ms in all, twice the timeout, but never more than 40 ms without a sign of life.
        for (let i = 0; i < 8; i += 1) {
          await new Promise((r) => setTimeout(r, 40));
          alive();
        }
        return signal.aborted ? "aborted" : "answer";
      },
      { ...options, policy: { ...fast, maxRetries: 0, timeoutMs: 150 } },
    );
    expect(value).toBe("answer");
  });

  it("stops at once when the call is cancelled, in an attempt or in the wait before the next", async () => {
    const controller = new AbortController();
    const reason = new GuildError("cancelled", "the run was cancelled");
    const inFlight = withRetries(
      (signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")))),
      { ...options, policy: { ...fast, timeoutMs: 10_000 }, signal: controller.signal },
    );
    controller.abort(reason);
    expect(await failure(inFlight)).toBe(reason);

    const waiting = new AbortController();
    const begun = Date.now();
    const slowRetry = withRetries(
      async () => {
        setTimeout(() => waiting.abort(), 5);
        throw new Error("503");
      },
      { ...options, policy: { ...fast, baseDelayMs: 10_000, maxDelayMs: 10_000 }, signal: waiting.signal },
    );
    const cancelled = await failure(slowRetry);
    expect(cancelled.code).toBe("cancelled");
    expect(Date.now() - begun).toBeLessThan(1_000);
  });

  it("passes a GuildError from the attempt through untouched, without retrying", async () => {
    let calls = 0;
    const own = new GuildError("model_error", "its plan did not validate");
    const error = await failure(
      withRetries(async () => {
        calls += 1;
        throw own;
      }, options),
    );
    expect(error).toBe(own);
    expect(calls).toBe(1);
  });
});
