import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Approval, Lesson, Run, RunEvent } from "../../server/contract/index.ts";
import { Runtime } from "../../server/runtime/index.ts";
import { startServer, type GuildServer } from "../../server/start-server.ts";
import { request, type ApiAnswer } from "../support/clients.ts";
import { demoScript, roleOf, scriptedModels } from "../support/openai-demo.ts";
import { startScriptedOpenAI, textOf, type ScriptedOpenAI } from "../support/openai-server.ts";
import { DEMO_TASK, freshStorage, type TestStorage } from "../support/runtime.ts";
import { pendingOf } from "../support/server.ts";

let data: TestStorage;
let model: ScriptedOpenAI;
let runtime: Runtime;
let http: GuildServer;
const t = {
  api: <T = any>(method: string, path: string, body?: unknown) => request(http.url, method, path, body) as Promise<ApiAnswer<T>>,
};

beforeEach(async () => {
  data = await freshStorage();
  model = await startScriptedOpenAI(demoScript);
  runtime = await Runtime.open({
    dataDir: data.dataDir,
    ...(data.databaseUrl ? { databaseUrl: data.databaseUrl } : {}),
    models: scriptedModels(model.url),
    sweepMs: 0,
  });
  http = await startServer(runtime, { host: "127.0.0.1", port: 0, apiKeys: [], log: pino({ level: "silent" }) });
});
afterEach(async () => {
  await http.close();
  await runtime.close();
  await model.close();
  await data.remove();
});

/** Runs the demo over REST, answering the payment with `payment` and approving the rest; returns the run's events. */
async function runDemo(payment: (approval: Approval) => unknown): Promise<RunEvent[]> {
  const runId = (await t.api<{ run: Run }>("POST", "/api/runs", { task: DEMO_TASK })).body.run.id;
  for (
    let { status, approvals } = await pendingOf(t, runId);
    status === "awaiting_approval";
    { status, approvals } = await pendingOf(t, runId)
  ) {
    for (const a of approvals) {
      const decision = a.action.name === "issue_payment" ? payment(a) : { type: "approve" };
      expect((await t.api("POST", `/api/approvals/${a.id}/decision`, decision)).status).toBe(200);
    }
  }
  expect((await t.api<{ run: Run }>("GET", `/api/runs/${runId}`)).body.run.status).toBe("completed");
  return (await t.api<{ events: RunEvent[] }>("GET", `/api/runs/${runId}/events`)).body.events;
}

/** The system prompts the scripted model received for a role, from request `from` on. */
const promptsOf = (role: string, from: number) =>
  model.requests
    .slice(from)
    .filter((r) => roleOf(r) === role)
    .map((r) => textOf(r, "system"));
const recalledKeys = (events: RunEvent[]) =>
  (events.find((e) => e.type === "memory.recalled")!.data.items as { key: string }[]).map((i) => i.key);

describe("learning from reviewers", () => {
  it("saves an edit as a lesson for that specialist and tool; later runs recall it into that specialist's prompt only; deleting it forgets it", async () => {
    await runDemo((a) => ({ type: "edit", args: { ...a.action.args, amount: 3000 }, reviewer: "Ada" }));

    const { body } = await t.api<{ lessons: Lesson[] }>("GET", "/api/lessons");
    const lesson = body.lessons.find((l) => l.tool === "issue_payment")!;
    expect(lesson).toMatchObject({ pack: "insurance-claims", specialist: "payments_officer", tool: "issue_payment" });
    // A sentence in the pack's words: the case, and what changed.
    expect(lesson.text).toBe("On claim CLM-1001, editing issue_payment, a reviewer lowered the amount from £3,600.00 to £3,000.00.");
    expect((await t.api<{ lessons: Lesson[] }>("GET", "/api/lessons?specialist=communications")).body.lessons).toEqual([]);
    expect(
      (await t.api<{ lessons: Lesson[] }>("GET", "/api/lessons?specialist=payments_officer&pack=insurance-claims")).body.lessons.map(
        (l) => l.id,
      ),
    ).toContain(lesson.id);
    const badPack = await t.api("GET", "/api/lessons?pack=nope");
    expect(badPack.status).toBe(400);
    expect(badPack.body.error.details).toEqual({ field: "pack" });

    const second = model.requests.length;
    const recalled = await runDemo(() => ({ type: "approve" }));
    expect(recalledKeys(recalled)).toContain(lesson.id);
    expect(promptsOf("payments_officer", second).every((p) => p.includes(lesson.text))).toBe(true);
    expect(promptsOf("payments_officer", second).length).toBeGreaterThan(0);
    expect(promptsOf("communications", second).some((p) => p.includes(lesson.text))).toBe(false);

    const deleted = await t.api<{ lesson: Lesson }>("DELETE", `/api/lessons/${lesson.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.lesson.id).toBe(lesson.id);
    expect((await t.api("DELETE", `/api/lessons/${lesson.id}`)).status).toBe(404);
    expect((await t.api<{ lessons: Lesson[] }>("GET", "/api/lessons")).body.lessons.map((l) => l.id)).not.toContain(lesson.id);

    const third = model.requests.length;
    const forgotten = await runDemo(() => ({ type: "approve" }));
    expect(recalledKeys(forgotten)).not.toContain(lesson.id);
    expect(promptsOf("payments_officer", third).some((p) => p.includes(lesson.text))).toBe(false);
  });

  it("saves feedback (respond) as a lesson too", async () => {
    let responded = false;
    await runDemo(() => {
      if (responded) return { type: "approve" };
      responded = true;
      return { type: "respond", message: "Always quote the claim reference in the payee field." };
    });
    const lessons = (await t.api<{ lessons: Lesson[] }>("GET", "/api/lessons?specialist=payments_officer")).body.lessons;
    expect(lessons.map((l) => l.text)).toContain(
      "Reviewer feedback on issue_payment: Always quote the claim reference in the payee field.",
    );
  });

  it("keeps what a reviewer taught a run that is cancelled before it ends", async () => {
    const runId = (await t.api<{ run: Run }>("POST", "/api/runs", { task: DEMO_TASK })).body.run.id;
    const payment = (await pendingOf(t, runId)).approvals[0]!;
    expect(
      (await t.api("POST", `/api/approvals/${payment.id}/decision`, { type: "edit", args: { ...payment.action.args, amount: 3100 } }))
        .status,
    ).toBe(200);
    // The run pauses again for the email; it is cancelled there, before memory.save could run.
    expect((await pendingOf(t, runId)).approvals.map((a) => a.action.name)).toEqual(["send_email"]);
    expect((await t.api("POST", `/api/runs/${runId}/cancel`)).status).toBe(200);
    const lessons = (await t.api<{ lessons: Lesson[] }>("GET", "/api/lessons")).body.lessons;
    expect(lessons).toEqual([expect.objectContaining({ specialist: "payments_officer", tool: "issue_payment", runId })]);
    expect(lessons[0]!.text).toContain("lowered the amount from £3,600.00 to £3,100.00");
  });
});
