import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { validate } from "@readme/openapi-parser";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Approval, Run, RunEvent } from "../../server/contract/index.ts";
import { startServer } from "../../server/start-server.ts";
import { DEMO_TASK, effectsOf, paymentsFor, TEST_ENGINE, tempDataDir } from "../support/runtime.ts";
import { pendingOf, useServer } from "../support/server.ts";

const t = useServer();

describe("the REST API", () => {
  it("runs the demo task over REST only: start, answer each approval, read the answer and the event log", async () => {
    const started = await t.api<{ run: Run }>("POST", "/api/runs", { task: DEMO_TASK, metadata: { ticket: "T-1" } });
    expect(started.status).toBe(202);
    expect(started.body.run).toMatchObject({ status: "queued", pack: "insurance-claims", task: DEMO_TASK, metadata: { ticket: "T-1" } });
    const runId = started.body.run.id;

    const asked: Approval[] = [];
    for (
      let { status, approvals } = await pendingOf(t, runId);
      status === "awaiting_approval";
      { status, approvals } = await pendingOf(t, runId)
    ) {
      for (const approval of approvals) {
        asked.push(approval);
        const decided = await t.api<{ approval: Approval }>("POST", `/api/approvals/${approval.id}/decision`, {
          type: "approve",
          reviewer: "rest",
        });
        expect(decided.status).toBe(200);
        expect(decided.body.approval).toMatchObject({
          id: approval.id,
          status: "approved",
          decision: { type: "approve", reviewer: "rest" },
        });
      }
    }
    expect(asked.map((a) => a.action.name)).toEqual(["issue_payment", "send_email"]);

    const { body } = await t.api<{ run: Run }>("GET", `/api/runs/${runId}`);
    expect(body.run.status).toBe("completed");
    expect(body.run.result!.citations.map((c) => c.source)).toContain("home-policy-wording.md § 4.2 Escape of water");
    expect(await effectsOf(t.runtime)).toEqual({ payments: 1, emails: 1 });
    expect(await paymentsFor(t.storage)).toEqual([expect.objectContaining({ amount: 3600, payee: "Eleanor Whitfield" })]);

    const events = (await t.api<{ events: RunEvent[] }>("GET", `/api/runs/${runId}/events`)).body.events;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)!.type).toBe("run.completed");
    const tail = (await t.api<{ events: RunEvent[] }>("GET", `/api/runs/${runId}/events?after=${events.length - 2}`)).body.events;
    expect(tail).toEqual(events.slice(-2));

    const list = (await t.api<{ runs: Run[] }>("GET", "/api/runs?status=completed&limit=5")).body.runs;
    expect(list.map((r) => r.id)).toEqual([runId]);
    const decided = (await t.api<{ approvals: Approval[] }>("GET", `/api/approvals?status=approved&runId=${runId}`)).body.approvals;
    expect(decided.map((a) => a.action.name)).toEqual(["issue_payment", "send_email"]);
    expect((await t.api<{ approvals: Approval[] }>("GET", "/api/approvals")).body.approvals).toEqual([]);
  });

  it("runs many runs concurrently in the background; lists them newest first", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const res = await t.api<{ run: Run }>("POST", "/api/runs", { task: `Look up claim CLM-10${10 + i} and check the fraud indicators.` });
      expect(res.status).toBe(202);
      ids.push(res.body.run.id);
    }
    const finished = await Promise.all(ids.map((id) => pendingOf(t, id)));
    expect(finished.map((f) => f.status)).toEqual(ids.map(() => "completed"));
    const listed = (await t.api<{ runs: Run[] }>("GET", "/api/runs")).body.runs.map((r) => r.id);
    expect(listed).toEqual([...ids].reverse());
  });

  it("cancels a run waiting for approval: its approvals expire, a second cancel is a conflict", async () => {
    const { body } = await t.api<{ run: Run }>("POST", "/api/runs", { task: DEMO_TASK });
    const { approvals } = await pendingOf(t, body.run.id);
    const cancelled = await t.api<{ run: Run }>("POST", `/api/runs/${body.run.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.run).toMatchObject({ status: "cancelled", pendingApprovals: [] });
    expect((await t.api<{ approval: Approval }>("GET", `/api/approvals/${approvals[0]!.id}`)).body.approval.status).toBe("expired");
    const again = await t.api("POST", `/api/runs/${body.run.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
    const late = await t.api("POST", `/api/approvals/${approvals[0]!.id}/decision`, { type: "approve" });
    expect(late.status).toBe(409);
    expect(await effectsOf(t.runtime)).toEqual({ payments: 0, emails: 0 });
  });

  it("sets security headers and describes itself in an OpenAPI document made from the same schemas", async () => {
    const health = await t.api("GET", "/api/health");
    expect(health.body).toEqual({ status: "ok", model: { provider: "offline", name: "offline" }, storage: { kind: TEST_ENGINE } });
    expect(health.headers.get("x-content-type-options")).toBe("nosniff");
    expect(health.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(health.headers.get("x-powered-by")).toBeNull();

    const { body: doc } = await t.api("GET", "/api/openapi.json");
    expect(doc.openapi).toBe("3.1.0");
    // Valid OpenAPI 3.1 by the spec's own schema, as code generators and gateways will read it.
    expect(await validate(structuredClone(doc))).toMatchObject({ valid: true, warnings: [] });
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/runs",
        "/api/runs/{id}",
        "/api/runs/{id}/events",
        "/api/runs/{id}/cancel",
        "/api/approvals",
        "/api/approvals/{id}/decision",
      ]),
    );
    const start = doc.paths["/api/runs"].post;
    expect(start.requestBody.content["application/json"].schema.properties.task).toMatchObject({ type: "string", maxLength: 20000 });
    expect(start.parameters).toContainEqual(expect.objectContaining({ name: "Idempotency-Key", in: "header" }));
    expect(doc.paths["/api/runs"].get.parameters.find((p: { name: string }) => p.name === "status").schema.enum).toContain(
      "awaiting_approval",
    );
    const decision = doc.paths["/api/approvals/{id}/decision"].post.requestBody.content["application/json"].schema;
    expect(decision.oneOf ?? decision.anyOf).toHaveLength(5);
  });

  it("draws a pack's state machine as Mermaid, and answers unknown packs and lessons with 404", async () => {
    const { status, body } = await t.api<{ mermaid: string }>("GET", "/api/packs/insurance-claims/graph");
    expect(status).toBe(200);
    expect(body.mermaid).toMatch(/^%%\{init|^graph TD|^flowchart/m);
    for (const node of [
      "memory.recall",
      "supervisor.plan",
      "approval.plan",
      "approval.tool_call",
      "tools",
      "approval.answer",
      "memory.save",
    ]) {
      expect(body.mermaid, node).toContain(`(${node})`);
    }
    expect((await t.api("GET", "/api/packs/nope/graph")).status).toBe(404);
    expect((await t.api("DELETE", "/api/lessons/nope")).status).toBe(404);
    const badLimit = await t.api("GET", "/api/lessons?limit=0");
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.details).toMatchObject({ field: "limit" });
    expect((await t.api("GET", "/api/lessons")).body).toEqual({ lessons: [] });
  });

  it("serves a client folder given as a relative path, at / and at the client's own routes", async () => {
    const folder = tempDataDir("guild-client-");
    fs.writeFileSync(path.join(folder.dir, "index.html"), "<!doctype html><title>client under test</title>");
    const server = await startServer(t.runtime, {
      host: "127.0.0.1",
      port: 0,
      apiKeys: [],
      log: pino({ level: "silent" }),
      clientDir: path.relative(process.cwd(), folder.dir),
    });
    try {
      for (const page of ["/", "/runs/abc"]) {
        const res = await fetch(`${server.url}${page}`);
        expect(res.status, page).toBe(200);
        expect(await res.text()).toContain("client under test");
      }
      expect((await fetch(`${server.url}/api/nope`)).status).toBe(404);
    } finally {
      await server.close();
      folder.remove();
    }
  });

  it("shuts down within its drain time while a client keeps its connection alive and a request finishes after shutdown began", async () => {
    const server = await startServer(t.runtime, {
      host: "127.0.0.1",
      port: 0,
      apiKeys: [],
      log: pino({ level: "silent" }),
      drainMs: 30_000,
    });
    const { port } = new URL(server.url);
    const client = net.connect(Number(port), "127.0.0.1");
    await new Promise((resolve) => client.once("connect", resolve));
    let answer = "";
    client.on("data", (chunk) => (answer += chunk.toString()));
    // A request whose body is still arriving when shutdown begins.
    const body = JSON.stringify({ task: DEMO_TASK });
    client.write(
      `POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const closed = server.close();
    const ended = new Promise((resolve) => client.once("close", resolve));
    client.write(body.slice(10));
    await closed;
    await ended;
    // The request was answered, its connection closed at once rather than kept idle for the keep-alive time.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(answer).toMatch(/^HTTP\/1\.1 202/);
    expect(answer.toLowerCase()).toContain("connection: close");
  });
});
