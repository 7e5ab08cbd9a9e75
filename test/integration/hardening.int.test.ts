import http from "node:http";
import { describe, expect, it } from "vitest";
import type { Ack, Approval } from "../../server/contract/index.ts";
import { DEMO_TASK } from "../support/clients.ts";
import { call, pendingOf, request, useServer, type TestServer } from "../support/server.ts";

/** A raw request, so that headers fetch would refuse or rewrite can be sent. */
function raw(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: any; headers: http.IncomingHttpHeaders }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method, path, headers }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text), headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function pausedRun(t: TestServer): Promise<{ runId: string; payment: Approval }> {
  const runId = (await t.api("POST", "/api/runs", { task: DEMO_TASK })).body.run.id as string;
  const { approvals } = await pendingOf(t, runId);
  return { runId, payment: approvals[0]! };
}

describe("hardening without keys", () => {
  const t = useServer();

  it("refuses state-changing calls from another site, by Origin or Sec-Fetch-Site, and allows its own pages", async () => {
    const { runId } = await pausedRun(t);
    const host = new URL(t.url).host;
    const foreign: Record<string, string>[] = [
      { origin: "http://evil.test" },
      { "sec-fetch-site": "cross-site", "content-type": "text/plain" },
      { origin: "null" },
    ];
    for (const headers of foreign) {
      const res = await raw(t.url, "POST", `/api/runs/${runId}/cancel`, { host, ...headers }, "x");
      expect({ headers, status: res.status, code: res.body.error.code, reason: res.body.error.details.reason }).toEqual({
        headers,
        status: 403,
        code: "forbidden",
        reason: "cross_site",
      });
    }
    expect((await t.api("GET", `/api/runs/${runId}`)).body.run.status).toBe("awaiting_approval");
    // Reads are not refused, and the client's own origin changes things.
    expect((await raw(t.url, "GET", `/api/runs/${runId}`, { host, origin: "http://evil.test" })).status).toBe(200);
    const own = await raw(t.url, "POST", `/api/runs/${runId}/cancel`, { host, origin: t.url, "sec-fetch-site": "same-origin" });
    expect([own.status, own.body.run.status]).toEqual([200, "cancelled"]);
  });

  it("answers __proto__, constructor and prototype keys anywhere with 400 naming the field, over REST and the socket", async () => {
    for (const [body, field] of [
      ['{"task": "pay", "__proto__": {"admin": true}}', "__proto__"],
      ['{"task": "pay", "metadata": {"a": {"constructor": {"prototype": 1}}}}', "metadata.a.constructor"],
      ['{"task": "pay", "metadata": {"list": [{"prototype": 1}]}}', "metadata.list.0.prototype"],
    ] as const) {
      const res = await t.api("POST", "/api/runs", body);
      expect({ field, status: res.status, code: res.body.error.code, at: res.body.error.details.field }).toEqual({
        field,
        status: 400,
        code: "invalid_input",
        at: field,
      });
    }
    expect((await t.api("GET", "/api/runs")).body.runs).toEqual([]);
    const { payment } = await pausedRun(t);
    const decided = await t.api(
      "POST",
      `/api/approvals/${payment.id}/decision`,
      `{"type": "edit", "args": {"claimId": "CLM-1001", "amount": 1, "payee": "x", "__proto__": {"amount": 9}}}`,
    );
    expect([decided.status, decided.body.error.details.field]).toEqual([400, "args.__proto__"]);
    const socket = await t.socket();
    const ack = await call(
      socket,
      "approval:decide",
      JSON.parse(`{"approvalId": "${payment.id}", "decision": {"type": "approve", "constructor": 1}}`),
    );
    expect(ack).toMatchObject({ ok: false, error: { code: "invalid_input", details: { field: "decision.constructor" } } });
    expect((await t.api("GET", `/api/approvals/${payment.id}`)).body.approval.status).toBe("pending");
  });

  it("answers every error in the contract's JSON: 404 and 405 in and outside /api, 431, bodies that are not JSON", async () => {
    const cases: [string, string, number, string][] = [
      ["GET", "/no/such/page", 404, "not_found"],
      ["POST", "/", 405, "method_not_allowed"],
      ["DELETE", "/api/runs", 405, "method_not_allowed"],
      ["GET", "/api/approvals/x/decision", 405, "method_not_allowed"],
      ["GET", "/api/nothing-here", 404, "not_found"],
    ];
    for (const [method, path, status, code] of cases) {
      const res = await request(t.url, method, path);
      expect({ method, path, status: res.status, code: res.body.error?.code }).toEqual({ method, path, status, code });
    }
    expect((await request(t.url, "DELETE", "/api/runs")).headers.get("allow")).toBe("GET, POST");
    const notJson = await t.api("POST", "/api/runs", "task=pay", { "content-type": "application/x-www-form-urlencoded" });
    expect([notJson.status, notJson.body.error.code]).toEqual([400, "invalid_input"]);
    const huge = await raw(t.url, "GET", "/api/health", { host: new URL(t.url).host, "x-filler": "y".repeat(40_000) });
    expect([huge.status, huge.body.error.code]).toEqual([431, "headers_too_large"]);
    expect((await t.api("GET", "/api/health")).status).toBe(200);
  });

  it("pages GET /api/approvals and inbox:subscribe with limit and cursor; without them the shape is as before", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await pausedRun(t)).payment.id);
    const all = await t.api("GET", "/api/approvals");
    expect(Object.keys(all.body)).toEqual(["approvals"]);
    expect(all.body.approvals.map((a: Approval) => a.id)).toEqual(ids);
    const first = await t.api("GET", "/api/approvals?limit=2");
    expect(first.body.approvals.map((a: Approval) => a.id)).toEqual(ids.slice(0, 2));
    const second = await t.api("GET", `/api/approvals?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ approvals: [expect.objectContaining({ id: ids[2] })] });
    expect((await t.api("GET", "/api/approvals?cursor=bm8tc3VjaA")).body.error).toMatchObject({
      code: "invalid_input",
      details: { field: "cursor" },
    });

    const socket = await t.socket();
    const page = (await call<{ approvals: Approval[]; nextCursor?: string }>(socket, "inbox:subscribe", { limit: 1 })) as Ack<{
      approvals: Approval[];
      nextCursor?: string;
    }> & { ok: true };
    expect(page.approvals.map((a) => a.id)).toEqual([ids[0]]);
    const rest = (await call<{ approvals: Approval[]; nextCursor?: string }>(socket, "inbox:subscribe", {
      cursor: page.nextCursor,
    })) as Ack<{ approvals: Approval[] }> & { ok: true };
    expect(rest.approvals.map((a) => a.id)).toEqual(ids.slice(1));
    expect("nextCursor" in rest).toBe(false);
  });

  it("bounds run:subscribe replays under way on one socket", async () => {
    const { runId } = await pausedRun(t);
    const socket = await t.socket();
    const acks = await Promise.all(Array.from({ length: 10 }, () => call(socket, "run:subscribe", { runId })));
    const refused = acks.filter((a) => !a.ok);
    expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ ok: false, error: { code: "not_allowed" } });
    // Once they are answered, the socket subscribes again.
    expect((await call(socket, "run:subscribe", { runId })).ok).toBe(true);
  });
});
