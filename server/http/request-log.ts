import type { RequestHandler } from "express";
import type { Logger } from "pino";

/** One structured log line per request, with the run or approval it concerns; reads at debug, writes at info. */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const [, collection, id] = /^\/api\/(runs|approvals)\/([^/]+)/.exec(req.originalUrl) ?? [];
      const about = id ? (collection === "runs" ? { runId: id } : { approvalId: id }) : {};
      const level = req.method === "GET" || req.method === "HEAD" ? "debug" : "info";
      log[level](
        { method: req.method, path: req.originalUrl.split("?")[0], status: res.statusCode, ms: Math.round(ms * 10) / 10, ...about },
        "http request",
      );
    });
    next();
  };
}
