import { describe, expect, it } from "vitest";
import { eventsOfType, type Approval, type Decision, type RunEvent } from "../../server/contract/index.ts";
import { answerUntilDone, DEMO_TASK, useRuntime } from "../support/runtime.ts";
import { request, useServer } from "../support/server.ts";

const approve = (): Decision => ({ type: "approve" });
const typesOf = (events: readonly RunEvent[]) => events.map((e) => e.type);

describe("fair admission", () => {
  const t = useRuntime({ maxActiveRuns: 1 });

  it("runs at most maxActiveRuns at once; the rest wait as queued, say so, and start first in, first out", async () => {
    const runs = [
      await t.runtime.startRun({ task: DEMO_TASK }),
      await t.runtime.startRun({ task: DEMO_TASK }),
      await t.runtime.startRun({ task: DEMO_TASK }),
    ];
    expect(runs.map((r) => r.status)).toEqual(["queued", "queued", "queued"]);
    // The first pauses for its payment; the others have waited their turn, in order.
    const first = await t.runtime.waitForRun(runs[0]!.id);
    expect(first.status).toBe("awaiting_approval");
    const queued = await Promise.all(runs.map(async (r) => (await t.runtime.listEvents(r.id)).find((e) => e.type === "run.queued")?.data));
    expect(queued).toEqual([undefined, { ahead: 0, maxActiveRuns: 1 }, { ahead: 1, maxActiveRuns: 1 }]);
    // A decision resumes its run ahead of runs not yet started, and every run completes.
    for (const run of runs) expect((await answerUntilDone(t.runtime, run.id, approve)).run.status).toBe("completed");
    const started = await Promise.all(runs.map(async (r) => (await t.runtime.listEvents(r.id)).find((e) => e.type === "run.started")!.at));
    expect([...started].sort()).toEqual(started);
    expect(t.runtime.load).toEqual({ active: 0, queued: 0, maxActiveRuns: 1 });
    const log = typesOf(await t.runtime.listEvents(runs[2]!.id));
    expect(log.slice(0, 3)).toEqual(["run.created", "run.queued", "run.started"]);
  });
});

describe("lean storage", () => {
  const t = useRuntime();

  it("keeps a finished run's last checkpoint only, and its answer, plan and usage in it", async () => {
    const started = await t.runtime.startRun({ task: DEMO_TASK });
    const { run } = await answerUntilDone(t.runtime, started.id, approve);
    expect(run.status).toBe("completed");
    const graph = t.runtime.graphOf("insurance-claims");
    const history = [];
    for await (const snapshot of graph.getStateHistory({ configurable: { thread_id: run.id } })) history.push(snapshot);
    expect(history).toHaveLength(1);
    const state = history[0]!.values as Record<string, unknown>;
    expect((state.result as { answer: string }).answer).toBe(run.result!.answer);
    expect((state.plan as unknown[]).length).toBe(3);
    // The passages, results and decisions of every step are in the event log, not the last checkpoint.
    expect(state.reports).toEqual([]);
    expect(state.step).toBeUndefined();
    expect(state.decisions).toEqual({});
  });

  it("keeps a paused run's last checkpoint only, and resumes it from there to the end", async () => {
    const graph = t.runtime.graphOf("insurance-claims");
    const checkpoints = async (runId: string) => {
      const history = [];
      for await (const snapshot of graph.getStateHistory({ configurable: { thread_id: runId } })) history.push(snapshot);
      return history;
    };
    let run = await t.runtime.waitForRun((await t.runtime.startRun({ task: DEMO_TASK })).id);
    const paused = [];
    while (run.status === "awaiting_approval") {
      paused.push(...(await checkpoints(run.id)).map((s) => s.next));
      for (const a of run.pendingApprovals) await t.runtime.decide(a.id, approve());
      run = await t.runtime.waitForRun(run.id);
    }
    // One checkpoint at each of the two pauses (the payment, then the email), waiting at a step.
    expect(paused).toHaveLength(2);
    expect(paused.every((next) => next.length > 0)).toBe(true);
    expect(run.status).toBe("completed");
    expect(run.result!.answer).toContain("CLM-1001");
    const effects = eventsOfType(await t.runtime.listEvents(run.id), "tool.result").map((e) => e.data.tool);
    expect(effects.filter((tool) => tool === "issue_payment" || tool === "send_email").sort()).toEqual(["issue_payment", "send_email"]);
  });

  it("prunes finished runs past their retention: events and checkpoints go, the run, its answer and its audit stay", async () => {
    const done = (await answerUntilDone(t.runtime, (await t.runtime.startRun({ task: DEMO_TASK })).id, approve)).run;
    const paused = await t.runtime.waitForRun((await t.runtime.startRun({ task: DEMO_TASK })).id);
    expect(paused.status).toBe("awaiting_approval");
    // Not old enough yet: nothing goes.
    expect(await t.runtime.prune({ historyMs: 60_000 })).toEqual({ runs: 0, events: 0, audit: 0, deliveries: 0 });
    const pruned = await t.runtime.prune({ historyMs: 0 }, Date.now() + 1000);
    expect(pruned.runs).toBe(1);
    expect(pruned.events).toBeGreaterThan(30);
    expect(await t.runtime.listEvents(done.id)).toEqual([]);
    expect((await t.runtime.getRun(done.id)).result!.answer).toBe(done.result!.answer);
    expect(await t.runtime.auditTrail(done.id)).toHaveLength(2);
    const graph = t.runtime.graphOf("insurance-claims");
    expect((await graph.getState({ configurable: { thread_id: done.id } })).values).toEqual({});
    // A run under way keeps everything, and goes on.
    expect((await t.runtime.listEvents(paused.id)).length).toBeGreaterThan(10);
    expect((await answerUntilDone(t.runtime, paused.id, approve)).run.status).toBe("completed");
    // The audit trail goes only when its own retention says so.
    expect((await t.runtime.prune({ auditMs: 0 }, Date.now() + 1000)).audit).toBe(4);
    expect(await t.runtime.auditTrail(done.id)).toEqual([]);
  });
});

describe("metrics", () => {
  const t = useServer({ apiKeys: ["k-metrics"], key: "k-metrics" });

  it("serves Prometheus metrics behind the API key: runs, approvals, decisions, durations, feed lag, HTTP routes", async () => {
    const runId = (await t.api("POST", "/api/runs", { task: DEMO_TASK })).body.run.id as string;
    let approvals: Approval[] = [];
    for (;;) {
      const { body } = await t.api("GET", `/api/runs/${runId}`);
      if (body.run.status === "completed") break;
      approvals = body.run.pendingApprovals;
      for (const a of approvals) await t.api("POST", `/api/approvals/${a.id}/decision`, { type: "approve" });
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await request(t.url, "GET", "/metrics")).status).toBe(401);
    let text = "";
    const scrape = async (): Promise<void> => {
      const answer = await request(t.url, "GET", "/metrics", undefined, { authorization: "Bearer k-metrics" });
      expect(answer.status).toBe(200);
      expect(answer.headers.get("content-type")).toContain("text/plain");
      text = String(answer.body);
    };
    /** The value of a series, whatever the order of its labels; undefined when there is none. */
    const value = (name: string, labels: Record<string, string> = {}): number | undefined => {
      for (const line of text.split("\n")) {
        const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
        if (!match || match[1] !== name) continue;
        const have = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
        if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
      }
      return undefined;
    };
    // Scraped as soon as the API says the run is completed: it is counted by then.
    await scrape();
    expect(value("guild_runs", { status: "completed" })).toBe(1);
    expect(value("guild_runs", { status: "queued" })).toBe(0);
    expect(value("guild_approvals_pending", { kind: "tool_call" })).toBe(0);
    expect(value("guild_decision_wait_seconds_count", { kind: "tool_call" })).toBe(2);
    expect(value("guild_run_duration_seconds_count", { status: "completed" })).toBe(1);
    // The last events are told to listeners once the run has nothing left to do here.
    await t.runtime.waitForRun(runId);
    await scrape();
    expect(value("guild_event_feed_lag_seconds_count")).toBe((await t.api("GET", `/api/runs/${runId}/events`)).body.events.length);
    expect(value("guild_http_request_duration_seconds_count", { method: "GET", route: "/api/runs/:id", status: "200" })).toBeGreaterThan(0);
    expect(value("guild_http_request_duration_seconds_count", { method: "GET", route: "/metrics", status: "401" })).toBe(1);
    expect(value("guild_runs_max_active")).toBe(t.runtime.load.maxActiveRuns);
    expect(value("guild_nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
  });
});
