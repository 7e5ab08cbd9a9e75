import fs from "node:fs";
import path from "node:path";
import express from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import { Authenticator, checkLocalHost, requireRole } from "../auth/index.ts";
import type { GuildMetrics } from "../metrics/index.ts";
import type { Runtime } from "../runtime/index.ts";
import { errorHandler } from "./errors.ts";
import { apiFallback, pageFallback, refuseCrossSite } from "./guards.ts";
import { mountRoutes } from "./mount.ts";
import { openApiDocument } from "./openapi.ts";
import { requestLog } from "./request-log.ts";
import { apiRoutes } from "./routes.ts";

/** The largest JSON body accepted; a task is at most 20,000 characters. */
const BODY_LIMIT = "256kb";

const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Guild</title></head>
<body><h1>Guild</h1><p>The web client is not built yet. The API is at <a href="/api/health">/api/health</a>
(described by <a href="/api/openapi.json">/api/openapi.json</a>); runs can be started with <code>npx guild run "&lt;task&gt;"</code>.</p></body></html>`;

export interface AppOptions {
  log: Logger;
  /** Who callers are, from their bearer token (development mode without keys). */
  auth: Authenticator;
  /** Prometheus metrics, served at /metrics (behind the API key when keys are set). */
  metrics?: GuildMetrics;
  /** The built web client; a placeholder page is served while it is absent. */
  clientDir?: string;
  version?: string;
}

/** The HTTP application over a runtime: the REST API under /api and the web client at /. */
export function createApp(runtime: Runtime, options: AppOptions): express.Express {
  const { log, auth } = options;
  const routes = apiRoutes(runtime);
  const openApi = openApiDocument(routes, { title: "Guild API", version: options.version ?? "0.1.0" });
  const app = express();
  app.disable("x-powered-by");
  // Served over plain HTTP on a LAN too: asking browsers to upgrade to https would break the client.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(requestLog(log));
  if (options.metrics) app.use(options.metrics.http);
  if (!auth.required) {
    app.use((req, _res, next) => {
      checkLocalHost(req.get("host"));
      next();
    });
  }

  const { metrics } = options;
  if (metrics) {
    app.get("/metrics", async (req, res) => {
      // Counts across every tenant: an admin's to read.
      requireRole(await auth.authenticate(Authenticator.bearer(req.get("authorization"))), "admin", "read metrics");
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }

  // The key is checked before the body is read, so an anonymous caller cannot make us parse anything.
  app.use("/api", async (req, res, next) => {
    res.locals.principal = await auth.authenticate(Authenticator.bearer(req.get("authorization")));
    next();
  });
  if (!auth.required) app.use("/api", refuseCrossSite());
  app.use("/api", express.json({ limit: BODY_LIMIT }));
  app.get("/api/openapi.json", (_req, res) => {
    res.json(openApi);
  });
  mountRoutes(app, routes);
  app.use("/api", apiFallback(routes));

  // sendFile needs an absolute path: a relative folder is taken from the working directory.
  const index = options.clientDir ? path.resolve(options.clientDir, "index.html") : undefined;
  if (options.clientDir && index && fs.existsSync(index)) {
    app.use(express.static(options.clientDir, { index: false }));
    // The client routes in the browser: any other page is its index.
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => {
      res.sendFile(index);
    });
  } else {
    app.get("/", (_req, res) => {
      res.type("html").send(PLACEHOLDER_PAGE);
    });
  }

  app.use(pageFallback());
  app.use(errorHandler(log));
  return app;
}
