import { describe, expect, it } from "vitest";
import type { Approval, AuditEntry } from "../../server/contract/index.ts";
import { AUTH_FILE, PRINCIPALS, as } from "../support/principals.ts";
import { DEMO_TASK } from "../support/clients.ts";
import { call, pendingOf, until, useServer, type TestServer } from "../support/server.ts";

const t = useServer({ principals: PRINCIPALS });

/** Ana's demo run, paused at its payment. */
async function anasPayment(server: TestServer): Promise<{ runId: string; approval: Approval }> {
  const started = await server.api("POST", "/api/runs", { task: DEMO_TASK }, as("k-ana"));
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const runId = started.body.run.id as string;
  const { approvals } = await pendingOf({ api: (m, p, b, h) => server.api(m, p, b, { ...as("k-ana"), ...h }) }, runId);
  return { runId, approval: approvals[0]! };
}

describe("principals of GUILD_AUTH_FILE, tenants and roles", () => {
  it("says who the caller is, and refuses an unknown key", async () => {
    const me = await t.api("GET", "/api/me", undefined, as("k-max"));
    expect(me.body.principal).toEqual({
      id: "max",
      name: "Max Stone",
      tenant: "acme",
      roles: ["reviewer", "claims_manager", "admin"],
      verified: true,
    });
    expect((await t.api("GET", "/api/me", undefined, as("k-gus"))).body.principal).toMatchObject({
      id: "gus",
      name: "gus",
      tenant: "globex",
    });
    const bad = await t.api("GET", "/api/runs", undefined, as("k-nobody"));
    expect([bad.status, bad.body.error.code]).toEqual([401, "unauthorized"]);
    expect(AUTH_FILE).not.toContain("undefined");
  });

  it("gives another tenant 404 for a run, its events, audit and approvals, and leaves them out of its lists", async () => {
    const { runId, approval } = await anasPayment(t);
    const gus = as("k-gus");
    for (const [method, path] of [
      ["GET", `/api/runs/${runId}`],
      ["GET", `/api/runs/${runId}/events`],
      ["GET", `/api/runs/${runId}/audit`],
      ["POST", `/api/runs/${runId}/cancel`],
      ["GET", `/api/approvals/${approval.id}`],
    ] as const) {
      const res = await t.api(method, path, undefined, gus);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status: 404, code: "not_found" });
    }
    const decided = await t.api("POST", `/api/approvals/${approval.id}/decision`, { type: "approve" }, gus);
    expect([decided.status, decided.body.error.code]).toEqual([404, "not_found"]);
    expect((await t.api("GET", "/api/runs", undefined, gus)).body.runs).toEqual([]);
    expect((await t.api("GET", "/api/approvals", undefined, gus)).body.approvals).toEqual([]);
    expect((await t.api("GET", `/api/approvals?runId=${runId}`, undefined, gus)).body.approvals).toEqual([]);
    // Max, of the same tenant, sees all of it.
    expect((await t.api("GET", "/api/runs", undefined, as("k-max"))).body.runs.map((r: { id: string }) => r.id)).toEqual([runId]);
    expect((await t.api("GET", "/api/approvals", undefined, as("k-max"))).body.approvals.map((a: Approval) => a.id)).toEqual([approval.id]);
    // The run is still pending: nothing gus did touched it.
    expect((await t.api("GET", `/api/runs/${runId}`, undefined, as("k-max"))).body.run.status).toBe("awaiting_approval");
  });

  it("keeps Idempotency-Keys apart per tenant", async () => {
    const headers = { "idempotency-key": "job-42" };
    const a = await t.api(
      "POST",
      "/api/runs",
      { task: "What does the home policy say about escape of water?" },
      { ...as("k-ana"), ...headers },
    );
    const g = await t.api(
      "POST",
      "/api/runs",
      { task: "What does the home policy say about escape of water?" },
      { ...as("k-gus"), ...headers },
    );
    const again = await t.api(
      "POST",
      "/api/runs",
      { task: "What does the home policy say about escape of water?" },
      { ...as("k-ana"), ...headers },
    );
    expect([a.status, g.status]).toEqual([202, 202]);
    expect(a.body.run.id).not.toBe(g.body.run.id);
    expect(again.body.run.id).toBe(a.body.run.id);
  });

  it("refuses what a role does not allow with 403 missing_role, over REST and the socket", async () => {
    const vic = as("k-vic");
    const start = await t.api("POST", "/api/runs", { task: DEMO_TASK }, vic);
    expect([start.status, start.body.error.code, start.body.error.details.role]).toEqual([403, "missing_role", "submitter"]);
    const { runId, approval } = await anasPayment(t);
    const decide = await t.api("POST", `/api/approvals/${approval.id}/decision`, { type: "approve" }, vic);
    expect([decide.status, decide.body.error.code, decide.body.error.details.role]).toEqual([403, "missing_role", "reviewer"]);
    expect((await t.api("POST", `/api/runs/${runId}/cancel`, undefined, vic)).status).toBe(403);
    expect((await t.api("DELETE", "/api/lessons/anything", undefined, as("k-ana"))).body.error.code).toBe("missing_role");
    expect((await t.api("PATCH", "/api/lessons/anything", { text: "x" }, as("k-ana"))).body.error.code).toBe("missing_role");
    // Metrics count every tenant's runs: an admin's to read.
    expect((await t.api("GET", "/metrics", undefined, vic)).status).toBe(403);
    expect((await t.api("GET", "/metrics", undefined, as("k-max"))).status).toBe(200);
    // Vic reads all the same.
    expect((await t.api("GET", `/api/runs/${runId}`, undefined, vic)).status).toBe(200);

    const socket = await t.socket({ token: "k-vic" });
    const ack = await call(socket, "approval:decide", { approvalId: approval.id, decision: { type: "approve" } });
    expect(ack).toMatchObject({ ok: false, error: { code: "missing_role" } });
    expect((await t.api("GET", `/api/approvals/${approval.id}`, undefined, vic)).body.approval.status).toBe("pending");
  });

  it("keeps sockets to their tenant: run:subscribe is not_found, the inbox hears only its own tenant", async () => {
    const gusSocket = await t.socket({ token: "k-gus" });
    const maxSocket = await t.socket({ token: "k-max" });
    const heardByGus: Approval[] = [];
    const heardByMax: Approval[] = [];
    gusSocket.on("approval:requested", (a) => heardByGus.push(a));
    maxSocket.on("approval:requested", (a) => heardByMax.push(a));
    expect(await call(gusSocket, "inbox:subscribe", {})).toEqual({ ok: true, approvals: [] });
    expect(await call(maxSocket, "inbox:subscribe", {})).toEqual({ ok: true, approvals: [] });
    const { runId, approval } = await anasPayment(t);
    await until("max's inbox to hear of the payment", () => heardByMax.some((a) => a.id === approval.id));
    const sub = await call(gusSocket, "run:subscribe", { runId });
    expect(sub).toMatchObject({ ok: false, error: { code: "not_found" } });
    const decide = await call(gusSocket, "approval:decide", { approvalId: approval.id, decision: { type: "approve" } });
    expect(decide).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect((await call<{ approvals: Approval[] }>(gusSocket, "inbox:subscribe", {})) as unknown).toEqual({ ok: true, approvals: [] });
    expect(heardByGus).toEqual([]);
    expect((await call(maxSocket, "run:subscribe", { runId })).ok).toBe(true);
  });

  it("keeps lessons within their tenant: listed, recalled and forgotten only there", async () => {
    const { runId, approval } = await anasPayment(t);
    await t.api(
      "POST",
      `/api/approvals/${approval.id}/decision`,
      { type: "edit", args: { ...approval.action.args, amount: 3000 } },
      as("k-ana"),
    );
    const { approvals } = await pendingOf({ api: (m, p, b) => t.api(m, p, b, as("k-ana")) }, runId);
    await t.api("POST", `/api/approvals/${approvals[0]!.id}/decision`, { type: "approve" }, as("k-ana"));
    const lessons = await until("acme's lesson", async () => {
      const list = (await t.api("GET", "/api/lessons", undefined, as("k-max"))).body.lessons as { id: string; text: string }[];
      return list.length > 0 && list;
    });
    expect(lessons[0]!.text).toContain("£3,000.00");
    expect((await t.api("GET", "/api/lessons", undefined, as("k-gus"))).body.lessons).toEqual([]);
    // Gus's run recalls nothing acme was taught.
    const gusRun = (await t.api("POST", "/api/runs", { task: DEMO_TASK }, as("k-gus"))).body.run.id as string;
    await pendingOf({ api: (m, p, b) => t.api(m, p, b, as("k-gus")) }, gusRun);
    const recalled = (
      (await t.api("GET", `/api/runs/${gusRun}/events`, undefined, as("k-gus"))).body.events as {
        type: string;
        data: { items: { kind: string }[] };
      }[]
    ).find((e) => e.type === "memory.recalled")!;
    expect(recalled.data.items.filter((i) => i.kind === "lesson")).toEqual([]);
    const anaAgain = (await t.api("POST", "/api/runs", { task: DEMO_TASK }, as("k-ana"))).body.run.id as string;
    await pendingOf({ api: (m, p, b) => t.api(m, p, b, as("k-ana")) }, anaAgain);
    const anaRecalled = (
      (await t.api("GET", `/api/runs/${anaAgain}/events`, undefined, as("k-ana"))).body.events as {
        type: string;
        data: { items: { kind: string }[] };
      }[]
    ).find((e) => e.type === "memory.recalled")!;
    expect(anaRecalled.data.items.filter((i) => i.kind === "lesson").length).toBeGreaterThan(0);
    // Max, acme's admin, forgets it.
    expect((await t.api("DELETE", `/api/lessons/${lessons[0]!.id}`, undefined, as("k-max"))).status).toBe(200);
  });

  it("records the authenticated reviewer in the decision and the audit, whatever the body says", async () => {
    const { runId, approval } = await anasPayment(t);
    const decided = await t.api(
      "POST",
      `/api/approvals/${approval.id}/decision`,
      { type: "approve", reviewer: "Senior claims manager (max)" },
      as("k-ana"),
    );
    expect(decided.status).toBe(200);
    expect(decided.body.approval.decision).toEqual({ type: "approve", reviewer: "Ana Ruiz" });
    const audit = (await t.api("GET", `/api/runs/${runId}/audit`, undefined, as("k-vic"))).body.audit as AuditEntry[];
    expect(audit.find((e) => e.approvalId === approval.id)).toMatchObject({
      event: "decided",
      reviewer: "Ana Ruiz",
      reviewerId: "ana",
      reviewerVerified: true,
      via: "rest",
    });
    // The email, decided by max over the socket.
    const { approvals } = await pendingOf({ api: (m, p, b) => t.api(m, p, b, as("k-max")) }, runId);
    const socket = await t.socket({ token: "k-max" });
    const ack = await call<{ approval: Approval }>(socket, "approval:decide", {
      approvalId: approvals[0]!.id,
      decision: { type: "approve", reviewer: "ana" },
    });
    expect(ack).toMatchObject({ ok: true, approval: { decision: { reviewer: "Max Stone" } } });
    const trail = (await t.api("GET", `/api/runs/${runId}/audit`, undefined, as("k-max"))).body.audit as AuditEntry[];
    expect(trail.find((e) => e.approvalId === approvals[0]!.id)).toMatchObject({
      reviewer: "Max Stone",
      reviewerId: "max",
      reviewerVerified: true,
      via: "socket",
    });
  });
});

describe("without keys (loopback development mode)", () => {
  const local = useServer();

  it("keeps the body's reviewer, marked unverified", async () => {
    const started = await local.api("POST", "/api/runs", { task: DEMO_TASK });
    const { approvals } = await pendingOf(local, started.body.run.id);
    await local.api("POST", `/api/approvals/${approvals[0]!.id}/decision`, { type: "approve", reviewer: "ana" });
    const audit = (await local.api("GET", `/api/runs/${started.body.run.id}/audit`)).body.audit as AuditEntry[];
    expect(audit[0]).toMatchObject({ reviewer: "ana", reviewerVerified: false });
    expect(audit[0]!.reviewerId).toBeUndefined();
    expect((await local.api("GET", "/api/me")).body.principal).toMatchObject({ id: "local", verified: false, roles: ["*"] });
  });
});
