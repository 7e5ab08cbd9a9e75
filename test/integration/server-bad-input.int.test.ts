import http from "node:http";
import { io as connect } from "socket.io-client";
import { describe, expect, it } from "vitest";
import type { Ack, Approval, Run } from "../../server/contract/index.ts";
import { DEMO_TASK } from "../support/runtime.ts";
import { call, pendingOf, request, useServer, type TestServer } from "../support/server.ts";

/** Fixtures each case may refer to: a run paused at its payment, and one paused at its plan. */
interface Fixture {
  runId: string;
  payment: Approval;
  plan: Approval;
  decided: Approval;
}

interface RestCase {
  name: string;
  method: string;
  path: (f: Fixture) => string;
  body?: unknown | ((f: Fixture) => unknown);
  headers?: Record<string, string>;
  status: number;
  code: string;
  field?: string;
}

const BIG_BODY = JSON.stringify({ task: "x", metadata: { blob: "y".repeat(300 * 1024) } });
const DEEP_METADATA = `{"task": "x", "metadata": {"a": ${"[".repeat(5000)}1${"]".repeat(5000)}}}`;

const REST_CASES: RestCase[] = [
  {
    name: "malformed JSON",
    method: "POST",
    path: () => "/api/runs",
    body: '{"task": "pay',
    status: 400,
    code: "invalid_input",
    field: "(body)",
  },
  {
    name: "a JSON array for a run",
    method: "POST",
    path: () => "/api/runs",
    body: "[]",
    status: 400,
    code: "invalid_input",
    field: "(body)",
  },
  { name: "no body at all", method: "POST", path: () => "/api/runs", status: 400, code: "invalid_input", field: "(body)" },
  {
    name: "a text/plain body",
    method: "POST",
    path: () => "/api/runs",
    body: "pay the claim",
    headers: { "content-type": "text/plain" },
    status: 400,
    code: "invalid_input",
    field: "(body)",
  },
  {
    name: "task missing",
    method: "POST",
    path: () => "/api/runs",
    body: { pack: "insurance-claims" },
    status: 400,
    code: "invalid_input",
    field: "task",
  },
  {
    name: "task of the wrong type",
    method: "POST",
    path: () => "/api/runs",
    body: { task: 42 },
    status: 400,
    code: "invalid_input",
    field: "task",
  },
  {
    name: "task only blanks",
    method: "POST",
    path: () => "/api/runs",
    body: { task: "   " },
    status: 400,
    code: "invalid_input",
    field: "task",
  },
  {
    name: "task over 20,000 characters",
    method: "POST",
    path: () => "/api/runs",
    body: { task: "a".repeat(20_001) },
    status: 400,
    code: "invalid_input",
    field: "task",
  },
  { name: "body over the size limit", method: "POST", path: () => "/api/runs", body: BIG_BODY, status: 413, code: "too_large" },
  {
    name: "an unknown field",
    method: "POST",
    path: () => "/api/runs",
    body: { task: "pay", priority: "high" },
    status: 400,
    code: "invalid_input",
    field: "priority",
  },
  {
    name: "an unknown pack",
    method: "POST",
    path: () => "/api/runs",
    body: { task: "pay", pack: "nope" },
    status: 400,
    code: "invalid_input",
    field: "pack",
  },
  {
    name: "planApproval not a boolean",
    method: "POST",
    path: () => "/api/runs",
    body: { task: "pay", options: { planApproval: "yes" } },
    status: 400,
    code: "invalid_input",
    field: "options.planApproval",
  },
  {
    name: "metadata nested 5,000 deep",
    method: "POST",
    path: () => "/api/runs",
    body: DEEP_METADATA,
    status: 400,
    code: "invalid_input",
    field: "metadata",
  },
  {
    name: "metadata over 16 kB",
    method: "POST",
    path: () => "/api/runs",
    body: { task: "pay", metadata: { note: "n".repeat(17 * 1024) } },
    status: 400,
    code: "invalid_input",
    field: "metadata",
  },
  {
    name: "metadata not an object",
    method: "POST",
    path: () => "/api/runs",
    body: { task: "pay", metadata: "t-1" },
    status: 400,
    code: "invalid_input",
    field: "metadata",
  },
  {
    name: "an Idempotency-Key with spaces",
    method: "POST",
    path: () => "/api/runs",
    body: { task: "pay" },
    headers: { "idempotency-key": "my key" },
    status: 400,
    code: "invalid_input",
    field: "Idempotency-Key",
  },
  {
    name: "an unknown run status filter",
    method: "GET",
    path: () => "/api/runs?status=done",
    status: 400,
    code: "invalid_input",
    field: "status",
  },
  { name: "a limit of 0", method: "GET", path: () => "/api/runs?limit=0", status: 400, code: "invalid_input", field: "limit" },
  {
    name: "a limit that is not a number",
    method: "GET",
    path: () => "/api/runs?limit=many",
    status: 400,
    code: "invalid_input",
    field: "limit",
  },
  { name: "a repeated limit", method: "GET", path: () => "/api/runs?limit=1&limit=2", status: 400, code: "invalid_input", field: "limit" },
  {
    name: "an unknown query parameter",
    method: "GET",
    path: () => "/api/runs?owner=me",
    status: 400,
    code: "invalid_input",
    field: "owner",
  },
  { name: "an unknown run", method: "GET", path: () => "/api/runs/run_nope", status: 404, code: "not_found" },
  { name: "events of an unknown run", method: "GET", path: () => "/api/runs/run_nope/events", status: 404, code: "not_found" },
  {
    name: "events after a negative seq",
    method: "GET",
    path: (f) => `/api/runs/${f.runId}/events?after=-1`,
    status: 400,
    code: "invalid_input",
    field: "after",
  },
  { name: "cancel an unknown run", method: "POST", path: () => "/api/runs/run_nope/cancel", status: 404, code: "not_found" },
  {
    name: "an unknown approval status filter",
    method: "GET",
    path: () => "/api/approvals?status=maybe",
    status: 400,
    code: "invalid_input",
    field: "status",
  },
  { name: "an unknown approval", method: "GET", path: () => "/api/approvals/apr_nope", status: 404, code: "not_found" },
  {
    name: "a decision on an unknown approval",
    method: "POST",
    path: () => "/api/approvals/apr_nope/decision",
    body: { type: "approve" },
    status: 404,
    code: "not_found",
  },
  {
    name: "a decision of an unknown type",
    method: "POST",
    path: (f) => `/api/approvals/${f.payment.id}/decision`,
    body: { type: "maybe" },
    status: 400,
    code: "invalid_input",
    field: "type",
  },
  {
    name: "an empty decision",
    method: "POST",
    path: (f) => `/api/approvals/${f.payment.id}/decision`,
    body: {},
    status: 400,
    code: "invalid_input",
    field: "type",
  },
  {
    name: "an edit without args",
    method: "POST",
    path: (f) => `/api/approvals/${f.payment.id}/decision`,
    body: { type: "edit" },
    status: 400,
    code: "invalid_input",
    field: "args",
  },
  {
    name: "an edit whose amount fails the tool's schema",
    method: "POST",
    path: (f) => `/api/approvals/${f.payment.id}/decision`,
    body: { type: "edit", args: { claimId: "CLM-1001", amount: "lots", payee: "Eleanor Whitfield" } },
    status: 400,
    code: "invalid_input",
    field: "args.amount",
  },
  {
    name: "a respond without a message",
    method: "POST",
    path: (f) => `/api/approvals/${f.payment.id}/decision`,
    body: { type: "respond", message: "  " },
    status: 400,
    code: "invalid_input",
    field: "message",
  },
  {
    name: "a redirect to an unknown specialist",
    method: "POST",
    path: (f) => `/api/approvals/${f.payment.id}/decision`,
    body: { type: "redirect", specialist: "ceo" },
    status: 400,
    code: "invalid_input",
    field: "specialist",
  },
  {
    name: "a redirect, which a plan does not allow",
    method: "POST",
    path: (f) => `/api/approvals/${f.plan.id}/decision`,
    body: { type: "redirect", specialist: "payments_officer" },
    status: 400,
    code: "invalid_input",
    field: "type",
  },
  {
    name: "a plan edit naming an unknown specialist",
    method: "POST",
    path: (f) => `/api/approvals/${f.plan.id}/decision`,
    body: { type: "edit", args: { steps: [{ specialist: "ceo", instruction: "pay" }] } },
    status: 400,
    code: "invalid_input",
    field: "args.steps.0.specialist",
  },
  {
    name: "a decision on an approval already decided",
    method: "POST",
    path: (f) => `/api/approvals/${f.decided.id}/decision`,
    body: { type: "approve" },
    status: 409,
    code: "conflict",
  },
  { name: "an unknown API route", method: "GET", path: () => "/api/things", status: 404, code: "not_found" },
  {
    name: "a method a route does not have",
    method: "DELETE",
    path: (f) => `/api/runs/${f.runId}`,
    status: 405,
    code: "method_not_allowed",
  },
];

interface SocketCase {
  name: string;
  event: "run:subscribe" | "run:unsubscribe" | "inbox:subscribe" | "approval:decide";
  payload: (f: Fixture) => unknown;
  code: string;
  field?: string;
}

const SOCKET_CASES: SocketCase[] = [
  { name: "run:subscribe with a string", event: "run:subscribe", payload: () => "run_1", code: "invalid_input", field: "(body)" },
  {
    name: "run:subscribe with a numeric runId",
    event: "run:subscribe",
    payload: () => ({ runId: 5 }),
    code: "invalid_input",
    field: "runId",
  },
  {
    name: "run:subscribe with a negative afterSeq",
    event: "run:subscribe",
    payload: (f) => ({ runId: f.runId, afterSeq: -1 }),
    code: "invalid_input",
    field: "afterSeq",
  },
  {
    name: "run:subscribe with a fractional afterSeq",
    event: "run:subscribe",
    payload: (f) => ({ runId: f.runId, afterSeq: 1.5 }),
    code: "invalid_input",
    field: "afterSeq",
  },
  {
    name: "run:subscribe after a seq the log has not reached",
    event: "run:subscribe",
    payload: (f) => ({ runId: f.runId, afterSeq: 1000 }),
    code: "invalid_input",
    field: "afterSeq",
  },
  { name: "run:subscribe to an unknown run", event: "run:subscribe", payload: () => ({ runId: "run_nope" }), code: "not_found" },
  { name: "run:unsubscribe without a runId", event: "run:unsubscribe", payload: () => ({}), code: "invalid_input", field: "runId" },
  {
    name: "inbox:subscribe with unknown fields",
    event: "inbox:subscribe",
    payload: () => ({ all: true }),
    code: "invalid_input",
    field: "all",
  },
  {
    name: "approval:decide without a decision",
    event: "approval:decide",
    payload: (f) => ({ approvalId: f.payment.id }),
    code: "invalid_input",
    field: "decision",
  },
  {
    name: "approval:decide of an unknown type",
    event: "approval:decide",
    payload: (f) => ({ approvalId: f.payment.id, decision: { type: "maybe" } }),
    code: "invalid_input",
    field: "type",
  },
  {
    name: "approval:decide on an unknown approval",
    event: "approval:decide",
    payload: () => ({ approvalId: "apr_nope", decision: { type: "approve" } }),
    code: "not_found",
  },
  {
    name: "approval:decide a type the plan does not allow",
    event: "approval:decide",
    payload: (f) => ({ approvalId: f.plan.id, decision: { type: "redirect", specialist: "payments_officer" } }),
    code: "invalid_input",
    field: "type",
  },
  {
    name: "approval:decide on an approval already decided",
    event: "approval:decide",
    payload: (f) => ({ approvalId: f.decided.id, decision: { type: "approve" } }),
    code: "conflict",
  },
];

async function fixture(t: TestServer): Promise<Fixture> {
  const start = async (body: unknown) => (await t.api<{ run: Run }>("POST", "/api/runs", body)).body.run.id;
  const runId = await start({ task: DEMO_TASK });
  const planRun = await start({ task: DEMO_TASK, options: { planApproval: true } });
  const rejectedRun = await start({ task: DEMO_TASK, options: { planApproval: true } });
  const [payment] = (await pendingOf(t, runId)).approvals;
  const [plan] = (await pendingOf(t, planRun)).approvals;
  const [decided] = (await pendingOf(t, rejectedRun)).approvals;
  await t.api("POST", `/api/approvals/${decided!.id}/decision`, { type: "reject" });
  return { runId, payment: payment!, plan: plan!, decided: decided! };
}

describe("bad input", () => {
  const t = useServer();

  it(`answers each of ${REST_CASES.length} bad REST requests with its status and code, changes nothing, and still serves`, async () => {
    const f = await fixture(t);
    const runsBefore = (await t.api<{ runs: Run[] }>("GET", "/api/runs")).body.runs.length;
    for (const c of REST_CASES) {
      const body = typeof c.body === "function" ? (c.body as (f: Fixture) => unknown)(f) : c.body;
      const res = await t.api(c.method, c.path(f), body, c.headers);
      expect({ case: c.name, status: res.status, code: res.body?.error?.code }).toEqual({ case: c.name, status: c.status, code: c.code });
      expect(typeof res.body.error.message, c.name).toBe("string");
      if (c.field) expect(res.body.error.details?.field, c.name).toBe(c.field);
    }
    expect((await t.api<{ runs: Run[] }>("GET", "/api/runs")).body.runs.length).toBe(runsBefore);
    expect((await t.api<{ approval: Approval }>("GET", `/api/approvals/${f.payment.id}`)).body.approval.status).toBe("pending");
    expect((await t.api<{ approval: Approval }>("GET", `/api/approvals/${f.plan.id}`)).body.approval.status).toBe("pending");
    expect((await t.api("GET", "/api/health")).status).toBe(200);
  });

  it(`acknowledges each of ${SOCKET_CASES.length} bad socket payloads with an error and its code, and keeps the connection`, async () => {
    const f = await fixture(t);
    const client = await t.socket();
    for (const c of SOCKET_CASES) {
      const ack = await call(client, c.event, c.payload(f));
      expect({ case: c.name, ok: ack.ok, code: ack.ok ? undefined : ack.error.code }).toEqual({ case: c.name, ok: false, code: c.code });
      if (c.field && !ack.ok) expect((ack.error.details as { field?: string } | undefined)?.field, c.name).toBe(c.field);
    }
    expect(client.connected).toBe(true);
    // A call sent with no payload at all is answered, not left hanging.
    const bare = (await (client.timeout(5_000) as any).emitWithAck("inbox:subscribe")) as Ack<{ approvals: Approval[] }>;
    expect(bare.ok && bare.approvals.map((a) => a.id)).toEqual(expect.arrayContaining([f.payment.id, f.plan.id]));
    expect((await t.api<{ approval: Approval }>("GET", `/api/approvals/${f.payment.id}`)).body.approval.status).toBe("pending");
    const ok: Ack<{ lastSeq: number }> = await call(client, "run:subscribe", { runId: f.runId });
    expect(ok.ok).toBe(true);
    expect((await t.api("GET", "/api/health")).status).toBe(200);
  });
});

/** A request with a Host header of our choosing, as a page that rebinds its DNS name to 127.0.0.1 would send. */
function withHost(url: string, host: string, path: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { headers: { host } }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("without GUILD_API_KEYS", () => {
  const t = useServer();

  it("answers only loopback names in Host, so a rebinding page gets nothing, and refuses cross-origin sockets", async () => {
    const port = new URL(t.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect((await withHost(t.url, host, "/api/health")).status, host).toBe(200);
    }
    for (const host of [`evil.test:${port}`, "attacker.example", `127.0.0.1.evil.test:${port}`]) {
      const res = await withHost(t.url, host, "/api/runs");
      expect({ host, status: res.status, code: res.body.error.code }).toEqual({ host, status: 403, code: "forbidden" });
    }
    const crossOrigin = connect(t.url, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      extraHeaders: { origin: "http://evil.test" },
    });
    const outcome = await new Promise<string>((resolve) => {
      crossOrigin.once("connect_error", (error) => resolve(`refused: ${error.message}`));
      crossOrigin.once("connect", () => resolve("connected"));
    });
    crossOrigin.close();
    expect(outcome).toMatch(/^refused/);
  });
});

describe("with GUILD_API_KEYS set", () => {
  const t = useServer({ apiKeys: ["key-one", "key-two"] });

  it("needs a valid bearer key on every REST route, and says how to send one", async () => {
    const cases: [string, Record<string, string>][] = [
      ["no key", {}],
      ["a wrong key", { authorization: "Bearer key-three" }],
      ["a key of another scheme", { authorization: "Basic a2V5LW9uZQ==" }],
      ["an empty bearer", { authorization: "Bearer " }],
    ];
    for (const [name, headers] of cases) {
      for (const [method, path, body] of [
        ["GET", "/api/health"],
        ["GET", "/api/runs"],
        ["POST", "/api/runs", { task: "pay" }],
        ["GET", "/api/openapi.json"],
      ] as const) {
        const res = await request(t.url, method, path, body, headers);
        expect({ name, path, status: res.status, code: res.body.error?.code }).toEqual({ name, path, status: 401, code: "unauthorized" });
        expect(res.headers.get("www-authenticate")).toContain("Bearer");
      }
    }
    expect((await request(t.url, "GET", "/api/runs", undefined, {})).body.error.message).toContain("Authorization: Bearer");
    for (const key of ["key-one", "key-two"]) {
      expect((await request(t.url, "GET", "/api/health", undefined, { authorization: `Bearer ${key}` })).status).toBe(200);
    }
    expect((await request(t.url, "GET", "/api/runs", undefined, { authorization: "Bearer key-one" })).body.runs).toEqual([]);
  });

  it("refuses socket connections without a valid key, with connect_error saying why", async () => {
    for (const token of [undefined, "key-three"]) {
      const error = await t.socket(token ? { token } : { token: "" }).then(
        () => undefined,
        (e: Error & { data?: { code: string } }) => e,
      );
      expect(error?.data?.code).toBe("unauthorized");
      expect(error?.message).toMatch(token ? /not valid/ : /API key is required/);
    }
    const client = await t.socket({ token: "key-two" });
    expect(client.connected).toBe(true);
  });
});
