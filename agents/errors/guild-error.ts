/** The closed set of error codes Guild reports; adapters map each to an HTTP status or an ack. */
export type GuildErrorCode =
  | "invalid_input"
  | "unauthorized"
  | "forbidden"
  | "missing_role"
  | "four_eyes"
  | "too_large"
  | "not_found"
  | "method_not_allowed"
  | "headers_too_large"
  | "conflict"
  | "not_allowed"
  | "invalid_pack"
  | "invalid_config"
  | "model_error"
  | "tool_error"
  | "cancelled"
  | "internal";

export interface GuildErrorOptions {
  details?: unknown;
  cause?: unknown;
}

/** One error type for the whole system, with a code callers can switch on. */
export class GuildError extends Error {
  readonly code: GuildErrorCode;
  readonly details: unknown;

  constructor(code: GuildErrorCode, message: string, options: GuildErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GuildError";
    this.code = code;
    this.details = options.details;
  }

  toJSON(): { code: GuildErrorCode; message: string; details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

const CODES: ReadonlySet<string> = new Set<GuildErrorCode>([
  "invalid_input",
  "unauthorized",
  "forbidden",
  "missing_role",
  "four_eyes",
  "too_large",
  "not_found",
  "method_not_allowed",
  "headers_too_large",
  "conflict",
  "not_allowed",
  "invalid_pack",
  "invalid_config",
  "model_error",
  "tool_error",
  "cancelled",
  "internal",
]);

/** True for a GuildError, also one from another module copy or rebuilt after serialization. */
export function isGuildError(error: unknown): error is GuildError {
  if (error instanceof GuildError) return true;
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && CODES.has(code) && typeof (error as { message?: unknown }).message === "string";
}

/** Whether an error has the given code. */
export function hasCode(error: unknown, code: GuildErrorCode): boolean {
  return isGuildError(error) && error.code === code;
}
