import { describe, expect, it } from "vitest";
import { classifyOpenAIError, retryAfterMs, StreamCutError } from "../../agents/models/openai/failure.ts";

/** An error shaped as the openai client throws it for an HTTP status: status, headers and the body's error. */
function apiError(status: number, message: string, headers: Record<string, string> = {}, code?: string): Error {
  const error = { message, type: "x", code: code ?? null };
  return Object.assign(new Error(`${status} ${message}\n\nTroubleshooting URL: https://example.invalid/`), {
    status,
    headers: new Headers(headers),
    error,
    code: error.code,
  });
}

/** The openai client's error for a request that never reached the server. */
class APIConnectionError extends Error {}

describe("retry-after", () => {
  it("reads retry-after-ms first, then retry-after as seconds or as an HTTP date", () => {
    expect(retryAfterMs(new Headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    expect(retryAfterMs(new Headers({ "retry-after": "2" }))).toBe(2_000);
    expect(retryAfterMs(new Headers({ "retry-after": "0.5" }))).toBe(500);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }), now)).toBe(3_000);
    expect(retryAfterMs({ "retry-after": "1" })).toBe(1_000);
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe("classifyOpenAIError", () => {
  it("retries 429 with the wait it asks for, but not a spent quota", () => {
    expect(classifyOpenAIError(apiError(429, "Rate limit reached", { "retry-after": "3" }))).toEqual({
      cause: "rate_limited",
      retryable: true,
      status: 429,
      retryAfterMs: 3_000,
      detail: "the server is rate limiting (429): Rate limit reached",
    });
    expect(classifyOpenAIError(apiError(429, "You exceeded your current quota", {}, "insufficient_quota"))).toMatchObject({
      cause: "refused",
      retryable: false,
    });
  });

  it("retries 5xx, 408 and 409, and refuses to retry other statuses", () => {
    for (const status of [500, 502, 503, 408, 409])
      expect(classifyOpenAIError(apiError(status, "x"))).toMatchObject({ cause: "server_error", retryable: true, status });
    for (const status of [400, 401, 404, 422])
      expect(classifyOpenAIError(apiError(status, "no such model"))).toMatchObject({ cause: "refused", retryable: false, status });
    expect(classifyOpenAIError(apiError(404, "no such model")).detail).toBe("the server refused the request (404): no such model");
  });

  it("retries network failures and cut streams", () => {
    expect(classifyOpenAIError(new APIConnectionError("Connection error.", { cause: new TypeError("fetch failed") }))).toMatchObject({
      cause: "network",
      retryable: true,
    });
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(classifyOpenAIError(new Error("request failed", { cause: reset }))).toMatchObject({ cause: "network", retryable: true });
    expect(classifyOpenAIError(new TypeError("terminated"))).toMatchObject({ cause: "network", retryable: true });
    expect(classifyOpenAIError(new StreamCutError("terminated (other side closed)"))).toEqual({
      cause: "stream_cut",
      retryable: true,
      detail: "the streamed answer was cut off (stream_cut): terminated (other side closed)",
    });
  });

  it("does not retry what it does not know", () => {
    expect(classifyOpenAIError(new RangeError("bad"))).toEqual({ cause: "unexpected", retryable: false, detail: "bad" });
  });
});
