import type { RequestHandler } from "express";
import { GuildError } from "../../agents/errors/index.ts";
import type { Route } from "./route.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Without keys, whoever reaches loopback is trusted, so a page of another site must not change
 * anything through a reviewer's browser (a cross-site `text/plain` POST needs no preflight).
 * Browsers say where a request comes from in `Sec-Fetch-Site` and `Origin`; either one naming
 * another site refuses a state-changing call.
 */
export function refuseCrossSite(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get("origin");
    let foreign = req.get("sec-fetch-site") === "cross-site";
    if (origin !== undefined && !foreign) {
      try {
        foreign = new URL(origin).host !== req.get("host");
      } catch {
        foreign = true;
      }
    }
    if (foreign)
      throw new GuildError(
        "forbidden",
        "a call that changes something must come from Guild's own pages, not another site (without keys, the server trusts only itself)",
        { details: { reason: "cross_site" } },
      );
    next();
  };
}

/** Express-style path to a matcher: `/api/runs/:id` matches `/api/runs/run_1`. */
const matcher = (path: string): RegExp => new RegExp(`^${path.replace(/:[^/]+/g, "[^/]+")}/?$`);

/**
 * What no route answered under `/api`: 405 with `Allow` when the path exists with other methods,
 * 404 otherwise; in the contract's JSON either way.
 */
export function apiFallback(routes: readonly Route[]): RequestHandler {
  const paths = routes.map((r) => ({ method: r.method.toUpperCase(), match: matcher(r.path) }));
  return (req, res) => {
    const path = req.originalUrl.split("?")[0]!;
    const allowed = [...new Set(paths.filter((p) => p.match.test(path)).map((p) => p.method))].sort();
    if (allowed.length > 0) {
      res.setHeader("Allow", allowed.join(", "));
      throw new GuildError("method_not_allowed", `${req.method} is not allowed on ${path}; it takes ${allowed.join(", ")}`, {
        details: { allowed },
      });
    }
    throw new GuildError("not_found", "no such API route; see /api/openapi.json");
  };
}

/** Outside `/api`, what the pages do not serve: 404 for reads, 405 for anything else, as JSON. */
export function pageFallback(): RequestHandler {
  return (req, res) => {
    if (SAFE_METHODS.has(req.method)) throw new GuildError("not_found", `no page at ${req.path}`);
    res.setHeader("Allow", "GET, HEAD");
    throw new GuildError("method_not_allowed", `${req.method} is not allowed on ${req.path}: pages are only read`, {
      details: { allowed: ["GET", "HEAD"] },
    });
  };
}
