import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { isGuildError, type GuildErrorCode } from "../../agents/errors/index.ts";

const STATUS: Readonly<Record<GuildErrorCode, number>> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  not_allowed: 422,
  invalid_pack: 500,
  invalid_config: 500,
  model_error: 502,
  tool_error: 502,
  cancelled: 409,
  internal: 500,
};

/** The one place where errors become HTTP answers, in the contract's shape. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    if (isGuildError(error)) {
      res.status(STATUS[error.code]).json({ error: error.toJSON() });
      return;
    }
    const status = typeof error?.status === "number" && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) log.error({ err: error }, "unhandled error");
    const code = status === 413 ? "too_large" : status === 400 ? "invalid_input" : status === 500 ? "internal" : "http_error";
    res.status(status).json({ error: { code, message: status === 500 ? "internal error" : String(error?.message ?? "bad request") } });
  };
}
