import type { RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { isSqliteBusy } from "../../agents/faults/index.ts";
import type { Runtime } from "../runtime/index.ts";

/** Guild's Prometheus metrics for one runtime, and the middleware that times HTTP requests. */
export interface GuildMetrics {
  registry: Registry;
  /** Times each request by method, route pattern and status. */
  http: RequestHandler;
  /** Stops listening to the runtime. */
  close(): void;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const WAITS = [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600];

/**
 * Prometheus metrics (prom-client) on a registry of their own: runs by status and pending
 * approvals by kind (read from the database, so every process reports the same totals), runs
 * executing and queued here, how long decisions and runs take, how late this process tells events,
 * tokens and cost, storage retries and faults, HTTP request durations; and Node's own (event loop
 * lag, memory, GC). What a process did itself is counted by that process only.
 */
export function createMetrics(runtime: Runtime): GuildMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ storage: runtime.storageKind.kind });
  collectDefaultMetrics({ register: registry, prefix: "guild_" });

  new Gauge({
    name: "guild_runs",
    help: "Runs by status, in all processes sharing the storage",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const { runs } = await runtime.counts();
      this.reset();
      for (const status of ["queued", "running", "awaiting_approval", "completed", "failed", "cancelled"] as const)
        this.set({ status }, runs[status] ?? 0);
    },
  });
  new Gauge({
    name: "guild_approvals_pending",
    help: "Approvals waiting for a reviewer, by kind, in all processes sharing the storage",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      const { pendingApprovals } = await runtime.counts();
      this.reset();
      for (const kind of ["plan", "tool_call", "answer"]) this.set({ kind }, pendingApprovals[kind] ?? 0);
    },
  });
  new Gauge({
    name: "guild_runs_active",
    help: "Runs this process executes now",
    registers: [registry],
    collect() {
      this.set(runtime.load.active);
    },
  });
  new Gauge({
    name: "guild_runs_queued",
    help: "Runs waiting for a slot in this process",
    registers: [registry],
    collect() {
      this.set(runtime.load.queued);
    },
  });
  new Gauge({
    name: "guild_runs_max_active",
    help: "How many runs this process executes at once",
    registers: [registry],
    collect() {
      this.set(runtime.load.maxActiveRuns);
    },
  });

  const decisions = new Histogram({
    name: "guild_decision_wait_seconds",
    help: "How long approvals waited for a reviewer's decision taken by this process",
    labelNames: ["kind"],
    buckets: WAITS,
    registers: [registry],
  });
  const durations = new Histogram({
    name: "guild_run_duration_seconds",
    help: "From a run's creation to its end, for runs this process ended",
    labelNames: ["status"],
    buckets: WAITS,
    registers: [registry],
  });
  const feedLag = new Histogram({
    name: "guild_event_feed_lag_seconds",
    help: "From an event being stored to this process telling its listeners",
    buckets: SECONDS,
    registers: [registry],
  });
  const tokens = new Counter({
    name: "guild_model_tokens_total",
    help: "Model tokens used by runs this process ended",
    labelNames: ["direction"],
    registers: [registry],
  });
  const cost = new Counter({
    name: "guild_model_cost_total",
    help: "Model cost (in the configured prices' currency) of runs this process ended",
    registers: [registry],
  });
  const retries = new Counter({
    name: "guild_storage_retries_total",
    help: "Storage calls retried after a transient fault",
    labelNames: ["fault"],
    registers: [registry],
  });
  const faults = new Counter({
    name: "guild_storage_faults_total",
    help: "Run executions stopped by storage unavailable past its retries (the runs wait)",
    registers: [registry],
  });
  const http = new Histogram({
    name: "guild_http_request_duration_seconds",
    help: "HTTP requests by method, route and status",
    labelNames: ["method", "route", "status"],
    buckets: SECONDS,
    registers: [registry],
  });

  const stops = [
    runtime.bus.on("decided", ({ kind, waitedMs }) => decisions.observe({ kind }, waitedMs / 1000)),
    runtime.bus.on("finished", ({ status, durationMs, usage }) => {
      durations.observe({ status }, durationMs / 1000);
      if (usage) {
        tokens.inc({ direction: "input" }, usage.inputTokens);
        tokens.inc({ direction: "output" }, usage.outputTokens);
        if (usage.cost) cost.inc(usage.cost);
      }
    }),
    runtime.bus.on("event", (event) => feedLag.observe(Math.max(0, Date.now() - Date.parse(event.at)) / 1000)),
    runtime.bus.on("storageRetry", ({ error }) => retries.inc({ fault: isSqliteBusy(error) ? "sqlite_busy" : "postgres_transient" })),
    runtime.bus.on("storageFault", () => faults.inc()),
  ];

  return {
    registry,
    http: (req, res, next) => {
      const end = http.startTimer();
      res.on("finish", () => {
        // The route's pattern (`/api/runs/:id`), never the URL: ids would make a series each.
        const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.path.startsWith("/api") ? "unmatched" : "client";
        end({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    },
    close: () => stops.forEach((stop) => stop()),
  };
}
