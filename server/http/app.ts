import express from "express";
import type { Logger } from "pino";
import { GuildError } from "../../agents/errors/index.ts";
import type { Runtime } from "../runtime/index.ts";
import { errorHandler } from "./errors.ts";

const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Guild</title></head>
<body><h1>Guild</h1><p>The web client is not built yet. The API is at <a href="/api/health">/api/health</a>;
runs can be started with <code>npx guild run "&lt;task&gt;"</code>.</p></body></html>`;

/** The HTTP application over a runtime: the REST API under /api and the web client at /. */
export function createApp(runtime: Runtime, log: Logger): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "256kb" }));

  app.get("/api/health", (_req, res) => {
    res.json({ status: "ok", model: runtime.model, storage: runtime.storage });
  });
  app.get("/api/packs", (_req, res) => {
    res.json({ packs: runtime.listPacks() });
  });
  app.use("/api", () => {
    throw new GuildError("not_found", "no such API route");
  });
  app.get("/", (_req, res) => {
    res.type("html").send(PLACEHOLDER_PAGE);
  });

  app.use(errorHandler(log));
  return app;
}
