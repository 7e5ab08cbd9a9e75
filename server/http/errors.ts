import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { toClientError } from "../errors/index.ts";

/** Express's error handler: errors as the contract's JSON. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const { status, body } = toClientError(error, log);
    if (status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="guild"');
    res.status(status).json({ error: body });
  };
}
