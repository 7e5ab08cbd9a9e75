import type { AttemptFailure } from "../retry.ts";

/** A streamed answer that stopped before the server finished it: the connection dropped, or no finish reason came. */
export class StreamCutError extends Error {
  override readonly name = "StreamCutError";
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

type Fields = {
  status?: unknown;
  code?: unknown;
  headers?: unknown;
  error?: { message?: unknown; code?: unknown };
  cause?: unknown;
  name?: unknown;
  message?: unknown;
};

const fields = (error: unknown): Fields => (typeof error === "object" && error !== null ? (error as Fields) : {});

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

/** How long a 429 asks to wait: `retry-after-ms` (OpenAI's), else `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: unknown, now = Date.now()): number | undefined {
  const ms = Number(header(headers, "retry-after-ms"));
  if (header(headers, "retry-after-ms") !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const after = header(headers, "retry-after")?.trim();
  if (!after) return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** What the server said: the error body's message, without the troubleshooting lines LangChain adds. */
function serverMessage(error: unknown): string {
  const f = fields(error);
  if (typeof f.error?.message === "string") return f.error.message;
  return typeof f.message === "string" ? (f.message.split("\n")[0] ?? "").trim() : String(error);
}

/** A failure to reach the server or to read its answer, anywhere in the cause chain. */
function isNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = fields(e).cause, depth += 1) {
    const f = fields(e);
    if (f.name === "APIConnectionError" || (e as object).constructor?.name === "APIConnectionError") return true;
    if (typeof f.code === "string" && (NETWORK_CODES.has(f.code) || f.code.startsWith("UND_ERR"))) return true;
    if (e instanceof TypeError && /fetch failed|terminated|network/i.test(e.message)) return true;
  }
  return false;
}

/**
 * Classifies a failed call to an OpenAI-compatible server: 429 (unless the quota is spent), 408,
 * 409, 5xx, network errors and cut streams are worth another attempt; other statuses are not.
 */
export function classifyOpenAIError(error: unknown): AttemptFailure {
  if (error instanceof StreamCutError)
    return { cause: "stream_cut", retryable: true, detail: `the streamed answer was cut off (stream_cut): ${error.message}` };
  const f = fields(error);
  const status = typeof f.status === "number" ? f.status : undefined;
  const said = serverMessage(error);
  if (status === 429) {
    if (f.code === "insufficient_quota" || f.error?.code === "insufficient_quota") {
      return { cause: "refused", retryable: false, status, detail: `the server refused the request (429, quota exhausted): ${said}` };
    }
    const wait = retryAfterMs(f.headers);
    return {
      cause: "rate_limited",
      retryable: true,
      status,
      detail: `the server is rate limiting (429): ${said}`,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    };
  }
  if (status !== undefined && (status >= 500 || status === 408 || status === 409)) {
    return { cause: "server_error", retryable: true, status, detail: `the server failed (${status}): ${said}` };
  }
  if (status !== undefined)
    return { cause: "refused", retryable: false, status, detail: `the server refused the request (${status}): ${said}` };
  if (isNetworkError(error)) return { cause: "network", retryable: true, detail: `could not reach the server (network): ${said}` };
  return { cause: "unexpected", retryable: false, detail: said };
}
