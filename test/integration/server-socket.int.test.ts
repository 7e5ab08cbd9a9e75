import { describe, expect, it } from "vitest";
import type { Ack, Approval, Run, RunEvent, TokenDelta } from "../../server/contract/index.ts";
import { DEMO_TASK, effectsOf, openRuntime } from "../support/runtime.ts";
import { call, collectEvents, until, useServer, type Client } from "../support/server.ts";

const t = useServer();

async function startDemo(): Promise<string> {
  const { body } = await t.api<{ run: Run }>("POST", "/api/runs", { task: DEMO_TASK });
  return body.run.id;
}

/** Approves, over the socket, every approval the client sees requested in the run's events. */
function approveOverSocket(client: Client, decided: Approval[]): void {
  client.on("run:event", (event) => {
    if (event.type !== "approval.requested") return;
    const approval = event.data.approval as Approval;
    void call<{ approval: Approval }>(client, "approval:decide", {
      approvalId: approval.id,
      decision: { type: "approve", reviewer: "socket" },
    }).then((ack) => {
      if (ack.ok) decided.push(ack.approval);
    });
  });
}

const log = async (runId: string): Promise<RunEvent[]> =>
  (await t.api<{ events: RunEvent[] }>("GET", `/api/runs/${runId}/events`)).body.events;
const isEnd = (e: RunEvent) => ["run.completed", "run.failed", "run.cancelled"].includes(e.type);

describe("Socket.IO", () => {
  it("runs the demo task followed and answered over the socket only; tokens stream live, in order", async () => {
    const client = await t.socket();
    const events = collectEvents(client);
    const tokens: TokenDelta[] = [];
    client.on("run:token", (token) => tokens.push(token));
    const decided: Approval[] = [];
    approveOverSocket(client, decided);

    const runId = await startDemo();
    const ack = await call<{ lastSeq: number }>(client, "run:subscribe", { runId });
    expect(ack.ok).toBe(true);
    await until("the run to end", () => events.find(isEnd));

    expect(events.at(-1)!.type).toBe("run.completed");
    expect(decided.map((a) => [a.action.name, a.status])).toEqual([
      ["issue_payment", "approved"],
      ["send_email", "approved"],
    ]);
    expect(await effectsOf(t.runtime)).toEqual({ payments: 1, emails: 1 });
    expect(events).toEqual(await log(runId));
    // The final answer streamed as tokens before its durable message; the tokens make the answer.
    const answerTokens = tokens
      .filter((x) => x.runId === runId && x.node === "supervisor.answer")
      .map((x) => x.delta)
      .join("");
    const { body } = await t.api<{ run: Run }>("GET", `/api/runs/${runId}`);
    expect(answerTokens).toBe(body.run.result!.answer);
  });

  it("replays from afterSeq after a reconnect: the union of what was received is the log, each seq once", async () => {
    const runId = await startDemo();
    const first = await t.socket();
    const seen: RunEvent[] = [];
    first.on("run:event", (e) => seen.push(e));
    await call(first, "run:subscribe", { runId });
    const payment = await until("the payment approval", () => seen.find((e) => e.type === "approval.requested"));
    first.disconnect();

    // While nobody listens, the run goes on: the payment is approved and the run emits more events.
    await t.api("POST", `/api/approvals/${(payment.data.approval as Approval).id}/decision`, { type: "approve" });
    const second = await t.socket();
    const decided: Approval[] = [];
    approveOverSocket(second, decided);
    second.on("run:event", (e) => seen.push(e));
    const lastSeen = seen.at(-1)!.seq;
    const ack = await call<{ lastSeq: number }>(second, "run:subscribe", { runId, afterSeq: lastSeen });
    expect(ack.ok && ack.lastSeq).toBeGreaterThan(lastSeen);
    await until("the run to end", () => seen.find(isEnd));

    expect(seen.map((e) => e.seq)).toEqual(seen.map((_, i) => i + 1));
    expect(seen).toEqual(await log(runId));
  });

  it("subscribers joining at any moment of a live run each get the log exactly, with no gap and no duplicate", async () => {
    const runId = await startDemo();
    const streams: RunEvent[][] = [];
    const starts: number[] = [];
    const clients: Client[] = [];
    // Decide over REST as approvals appear, so the run keeps emitting while clients subscribe.
    const watcher = await t.socket();
    watcher.on("run:event", (e) => {
      if (e.type === "approval.requested")
        void t.api("POST", `/api/approvals/${(e.data.approval as Approval).id}/decision`, { type: "approve" });
    });
    await call(watcher, "run:subscribe", { runId });
    for (let i = 0; i < 8; i += 1) {
      const client = await t.socket();
      const events = collectEvents(client);
      streams.push(events);
      clients.push(client);
      // Some start from the beginning, others from a point they claim to have seen.
      const afterSeq = i % 2 === 0 ? 0 : Math.max(0, (await log(runId)).length - 3);
      starts.push(afterSeq);
      await call(client, "run:subscribe", { runId, afterSeq });
      await new Promise((r) => setTimeout(r, 15));
    }
    await until("every client to see the end", () => streams.every((s) => s.some(isEnd)));
    const full = await log(runId);
    for (const [i, events] of streams.entries()) expect(events, `client ${i}`).toEqual(full.slice(starts[i]));
  });

  it("streams events that another process stores on the same data directory, each once, also to late subscribers", async () => {
    const runId = await startDemo();
    const early = await t.socket();
    const earlyEvents = collectEvents(early);
    await call(early, "run:subscribe", { runId });
    const payment = await until("the payment approval", () => earlyEvents.find((e) => e.type === "approval.requested"));

    // Another runtime (as another process would) takes the decision and executes the rest of the run.
    const other = await openRuntime(t.storage, { feedPollMs: 0 });
    const late: RunEvent[][] = [];
    try {
      await other.decide((payment.data.approval as Approval).id, { type: "approve" });
      for (let i = 0; i < 4; i += 1) {
        const client = await t.socket();
        late.push(collectEvents(client));
        await call(client, "run:subscribe", { runId });
        await new Promise((r) => setTimeout(r, 40));
      }
      let run = await other.waitForRun(runId);
      for (const approval of run.pendingApprovals) await other.decide(approval.id, { type: "approve" });
      run = await other.waitForRun(runId);
      expect(run.status).toBe("completed");
      await until("every client to see the end", () => earlyEvents.some(isEnd) && late.every((events) => events.some(isEnd)));
    } finally {
      await other.close();
    }
    const full = await log(runId);
    expect(earlyEvents).toEqual(full);
    for (const events of late) expect(events).toEqual(full);
  });

  it("sends inbox subscribers every approval requested and resolved, across runs", async () => {
    const client = await t.socket();
    const requested: Approval[] = [];
    const resolved: Approval[] = [];
    client.on("approval:requested", (a) => requested.push(a));
    client.on("approval:resolved", (a) => resolved.push(a));
    const ack = await call<{ approvals: Approval[] }>(client, "inbox:subscribe", {});
    expect(ack).toEqual({ ok: true, approvals: [] });

    const runs = [await startDemo(), await startDemo()];
    await until("both payments to be asked", () => requested.length === 2);
    expect(new Set(requested.map((a) => a.runId))).toEqual(new Set(runs));
    expect(requested.every((a) => a.status === "pending" && a.action.name === "issue_payment")).toBe(true);
    // The two runs ask in either order: take each run's own approval.
    const [first, second] = runs.map((runId) => requested.find((a) => a.runId === runId)!);
    await t.api("POST", `/api/approvals/${first!.id}/decision`, { type: "reject", message: "not yet" });
    await t.api("POST", `/api/runs/${runs[1]}/cancel`);
    await until("both to be resolved", () => resolved.length === 2);
    expect(resolved.map((a) => [a.id, a.status])).toEqual([
      [first!.id, "rejected"],
      [second!.id, "expired"],
    ]);
  });

  it("unsubscribes: no more events of that run", async () => {
    const client = await t.socket();
    const events = collectEvents(client);
    const runId = await startDemo();
    await call(client, "run:subscribe", { runId });
    await until("the payment approval", () => events.find((e) => e.type === "approval.requested"));
    const ack: Ack = await call(client, "run:unsubscribe", { runId });
    expect(ack.ok).toBe(true);
    const count = events.length;
    await t.api("POST", `/api/runs/${runId}/cancel`);
    await until("the cancellation to be stored", async () => (await log(runId)).some(isEnd));
    await new Promise((r) => setTimeout(r, 100));
    expect(events.length).toBe(count);
  });
});
