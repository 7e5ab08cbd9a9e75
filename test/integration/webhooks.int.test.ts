import { describe, expect, it } from "vitest";
import { pino } from "pino";
import type { Approval } from "../../server/contract/index.ts";
import { startServer } from "../../server/start-server.ts";
import { DEMO_TASK } from "../support/clients.ts";
import { PRINCIPALS, as } from "../support/principals.ts";
import { openRuntime } from "../support/runtime.ts";
import { pendingOf, until, useServer } from "../support/server.ts";
import { startReceiver, verifySignature } from "../support/webhook-receiver.ts";

const FAST = { allowPrivate: true, retryBaseMs: 100, pollMs: 100 };
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe("webhooks of a tenant", () => {
  const t = useServer({ principals: PRINCIPALS, runtime: { webhooks: FAST } });

  it("delivers approval.requested signed; after a 500 the same webhook-id and body come again", async () => {
    const receiver = await startReceiver((_m, i) => (i === 0 ? 500 : 200));
    try {
      const made = await t.api(
        "POST",
        "/api/webhooks",
        { url: receiver.url, events: ["approval.requested", "run.completed"], description: "claims system" },
        as("k-max"),
      );
      expect(made.status).toBe(201);
      expect(made.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      expect(made.body.webhook).toMatchObject({ id: made.body.id, url: receiver.url, events: ["approval.requested", "run.completed"] });
      expect(JSON.stringify((await t.api("GET", "/api/webhooks", undefined, as("k-max"))).body)).not.toContain(made.body.secret);

      const runId = (await t.api("POST", "/api/runs", { task: DEMO_TASK }, as("k-ana"))).body.run.id as string;
      await until("the delivery to be sent twice", () => receiver.received.length >= 2);
      const [first, second] = receiver.received;
      expect(first!.json).toMatchObject({
        type: "approval.requested",
        data: { runId, kind: "tool_call", action: { name: "issue_payment" }, status: "pending" },
      });
      expect(verifySignature(made.body.secret, first!)).toBe(true);
      expect(verifySignature(made.body.secret, { ...first!, body: first!.body.replace("issue_payment", "issue_paymenT") })).toBe(false);
      expect(Math.abs(Number(first!.timestamp) - Date.now() / 1000)).toBeLessThan(60);
      expect(first!.id).toMatch(/^msg_/);
      expect(second!.id).toBe(first!.id);
      expect(second!.body).toBe(first!.body);
      expect(verifySignature(made.body.secret, second!)).toBe(true);

      const deliveries = await until("the delivery to be recorded as delivered", async () => {
        const list = (await t.api("GET", `/api/webhooks/${made.body.id}/deliveries`, undefined, as("k-max"))).body.deliveries;
        return list[0]?.status === "delivered" && list;
      });
      expect(deliveries).toEqual([expect.objectContaining({ id: first!.id, type: "approval.requested", attempts: 2, lastStatus: 200 })]);
    } finally {
      await receiver.close();
    }
  });

  it("is an admin's, and tells nothing of another tenant's runs", async () => {
    const receiver = await startReceiver();
    try {
      const refused = await t.api("POST", "/api/webhooks", { url: receiver.url, events: ["approval.requested"] }, as("k-ana"));
      expect([refused.status, refused.body.error.code]).toEqual([403, "missing_role"]);
      const made = await t.api("POST", "/api/webhooks", { url: receiver.url, events: ["approval.requested"] }, as("k-max"));
      expect((await t.api("DELETE", `/api/webhooks/${made.body.id}`, undefined, as("k-gus"))).status).toBe(403);
      const gusRun = (await t.api("POST", "/api/runs", { task: DEMO_TASK }, as("k-gus"))).body.run.id as string;
      await pendingOf({ api: (m, p, b) => t.api(m, p, b, as("k-gus")) }, gusRun);
      const anaRun = (await t.api("POST", "/api/runs", { task: DEMO_TASK }, as("k-ana"))).body.run.id as string;
      await until("ana's approval to be delivered", () => receiver.received.some((m) => m.json.data.runId === anaRun));
      expect(receiver.received.filter((m) => m.json.data.runId === gusRun)).toEqual([]);
      const deleted = await t.api("DELETE", `/api/webhooks/${made.body.id}`, undefined, as("k-max"));
      expect(deleted.status).toBe(200);
      expect((await t.api("GET", "/api/webhooks", undefined, as("k-max"))).body.webhooks).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it("takes a run's own webhook in POST /api/runs, and tells it the run's events", async () => {
    const receiver = await startReceiver();
    try {
      const started = await t.api("POST", "/api/runs", { task: DEMO_TASK, webhook: receiver.url }, as("k-ana"));
      expect(started.body.webhook).toEqual({ id: expect.stringMatching(/^whk_/), secret: expect.stringMatching(/^whsec_/) });
      const runId = started.body.run.id as string;
      const { approvals } = await pendingOf({ api: (m, p, b) => t.api(m, p, b, as("k-ana")) }, runId);
      await t.api("POST", `/api/approvals/${approvals[0]!.id}/decision`, { type: "reject" }, as("k-max"));
      await until("approval.resolved to arrive", () => receiver.received.some((m) => m.json.type === "approval.resolved"));
      const resolved = receiver.received.find((m) => m.json.type === "approval.resolved")!;
      expect(resolved.json.data).toMatchObject({
        id: approvals[0]!.id,
        status: "rejected",
        decision: { type: "reject", reviewer: "Max Stone" },
      });
      expect(receiver.received.every((m) => verifySignature(started.body.webhook.secret, m))).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});

describe("webhook deliveries past the retention", () => {
  const t = useServer({ runtime: { webhooks: FAST } });

  it("are deleted once delivered; one still being retried stays", async () => {
    const ok = await startReceiver();
    const down = await startReceiver(() => 500);
    try {
      const delivered = (await t.api("POST", "/api/webhooks", { url: ok.url, events: ["approval.requested"] })).body.id as string;
      const retried = (await t.api("POST", "/api/webhooks", { url: down.url, events: ["approval.requested"] })).body.id as string;
      await t.api("POST", "/api/runs", { task: DEMO_TASK });
      const deliveries = async (id: string) =>
        (await t.api("GET", `/api/webhooks/${id}/deliveries`)).body.deliveries as { status: string }[];
      await until(
        "one delivery to be delivered and the other retried",
        async () => (await deliveries(delivered))[0]?.status === "delivered" && down.received.length >= 2,
      );
      // Within the retention, nothing goes.
      expect((await t.runtime.prune({ historyMs: 60_000 })).deliveries).toBe(0);
      expect((await t.runtime.prune({ historyMs: 0 }, Date.now() + 1000)).deliveries).toBe(1);
      expect(await deliveries(delivered)).toEqual([]);
      expect(await deliveries(retried)).toEqual([
        expect.objectContaining({ status: "pending", type: "approval.requested", createdAt: expect.stringMatching(ISO_TIME) }),
      ]);
    } finally {
      await ok.close();
      await down.close();
    }
  });
});

describe("webhook deliveries across a restart", () => {
  const t = useServer({ runtime: { webhooks: FAST } });

  it("delivers, after the server restarts, a message still pending when it stopped", async () => {
    const down = await startReceiver(() => 503);
    const made = await t.api("POST", "/api/webhooks", { url: down.url, events: ["approval.requested"] });
    const runId = (await t.api("POST", "/api/runs", { task: DEMO_TASK })).body.run.id as string;
    const payment: Approval = (await pendingOf(t, runId)).approvals[0]!;
    await until("a first attempt", () => down.received.length > 0);
    const id = down.received[0]!.id;
    await t.server.close();
    await t.runtime.close();
    await down.close();

    // The receiver is back, at the same address; so is Guild, on the same storage.
    const url = new URL(down.url);
    const back = await startReceiver(() => 200, Number(url.port));
    try {
      const runtime = await openRuntime(t.storage, { webhooks: FAST });
      const server = await startServer(runtime, { host: "127.0.0.1", port: 0, apiKeys: [], log: pino({ level: "silent" }) });
      Object.assign(t, { runtime, server });
      await until("the pending delivery to arrive after the restart", () => back.received.some((m) => m.id === id));
      const message = back.received.find((m) => m.id === id)!;
      expect(message.json).toMatchObject({ type: "approval.requested", data: { id: payment.id } });
      expect(verifySignature(made.body.secret, message)).toBe(true);
    } finally {
      await back.close();
    }
  });
});

describe("webhook receivers on private networks", () => {
  const t = useServer();

  it("are refused unless GUILD_WEBHOOK_ALLOW_PRIVATE=1", async () => {
    for (const url of [
      "http://127.0.0.1:9/x",
      "http://localhost:9/x",
      "http://[::1]:9/x",
      "http://10.1.2.3/x",
      "http://169.254.169.254/latest/meta-data",
      "ftp://example.com/x",
    ]) {
      const res = await t.api("POST", "/api/webhooks", { url, events: ["run.completed"] });
      expect({ url, status: res.status, field: res.body.error?.details?.field }).toEqual({ url, status: 400, field: "url" });
    }
    const run = await t.api("POST", "/api/runs", { task: DEMO_TASK, webhook: "http://127.0.0.1:9/x" });
    expect([run.status, run.body.error.details.field]).toEqual([400, "webhook"]);
    expect((await t.api("GET", "/api/runs")).body.runs).toEqual([]);
  });
});
