import type { Logger } from "pino";
import { GuildError, isGuildError, type GuildErrorCode } from "../../agents/errors/index.ts";
import type { ErrorBody } from "../contract/index.ts";

const STATUS: Readonly<Record<GuildErrorCode, number>> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  missing_role: 403,
  four_eyes: 403,
  not_found: 404,
  method_not_allowed: 405,
  headers_too_large: 431,
  conflict: 409,
  too_large: 413,
  not_allowed: 422,
  invalid_pack: 500,
  invalid_config: 500,
  model_error: 502,
  tool_error: 502,
  cancelled: 409,
  internal: 500,
};

/** Errors of Express's body parser, by their `type`, in Guild's words. */
function fromBodyParser(error: { type?: unknown; status?: unknown; message?: unknown }): GuildError | undefined {
  switch (error.type) {
    case "entity.too.large":
      return new GuildError("too_large", "the request body is too large", { details: { field: "(body)" } });
    case "entity.parse.failed":
      return new GuildError("invalid_input", `the request body is not a JSON object: ${String(error.message)}`, {
        details: { field: "(body)" },
      });
    case "encoding.unsupported":
    case "charset.unsupported":
      return new GuildError("invalid_input", String(error.message), { details: { field: "Content-Type" } });
    default:
      return typeof error.status === "number" && error.status >= 400 && error.status < 500
        ? new GuildError("invalid_input", String(error.message ?? "bad request"))
        : undefined;
  }
}

/**
 * The one place where an error becomes what a client sees: an HTTP status and the contract's
 * error body, the same body in a socket ack. Anything not a GuildError is a bug: logged, and
 * answered as `internal` without its details.
 */
export function toClientError(error: unknown, log: Logger): { status: number; body: ErrorBody } {
  const known = isGuildError(error) ? error : typeof error === "object" && error !== null ? fromBodyParser(error) : undefined;
  if (known) {
    const body: ErrorBody = {
      code: known.code,
      message: known.message,
      ...(known.details !== undefined ? { details: known.details } : {}),
    };
    return { status: STATUS[known.code], body };
  }
  log.error({ err: error }, "unhandled error");
  return { status: 500, body: { code: "internal", message: "internal error" } };
}
