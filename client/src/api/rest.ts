import type { ErrorBody } from "../../../server/contract/index.ts";
import { apiKey } from "./api-key.ts";

/** An error answer of the API, or a request that did not reach it (`status` 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The input field a 400 names (`details.field`), e.g. `task` or `args.amount`. */
  get field(): string | undefined {
    const field = (this.details as { field?: unknown } | undefined)?.field;
    return typeof field === "string" ? field : undefined;
  }
}

/**
 * A JSON request to the Guild API on this origin; resolves with the body, rejects with an ApiError.
 * @example const { runs } = await api<{ runs: Run[] }>("GET", "/api/runs");
 */
export async function api<T>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  const key = apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch (error) {
    throw new ApiError(0, "network", `The server could not be reached (${(error as Error).message}).`);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.ok) return parsed as T;
  const error = (parsed as { error?: ErrorBody } | undefined)?.error;
  throw new ApiError(res.status, error?.code ?? "http_error", error?.message ?? `${res.status} ${res.statusText}`, error?.details);
}
