import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Approval, Lesson, Run, RunEvent } from "../../server/contract/index.ts";
import { lessonsNamespace } from "../../graphs/index.ts";
import { Runtime } from "../../server/runtime/index.ts";
import { openStorage } from "../../server/runtime/storage/index.ts";
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

/** Opens the runtime and its server on the test's storage. */
async function openServer(): Promise<void> {
  runtime = await Runtime.open({
    dataDir: data.dataDir,
    ...(data.databaseUrl ? { databaseUrl: data.databaseUrl } : {}),
    models: scriptedModels(model.url),
    sweepMs: 0,
  });
  http = await startServer(runtime, { host: "127.0.0.1", port: 0, apiKeys: [], log: pino({ level: "silent" }) });
}

beforeEach(async () => {
  data = await freshStorage();
  model = await startScriptedOpenAI(demoScript);
  await openServer();
});
afterEach(async () => {
  await http.close();
  await runtime.close();
  await model.close();
  await data.remove();
});

/** Runs the demo (or another task) over REST, answering the payment with `payment` and approving the rest; returns the run's events. */
async function runDemo(payment: (approval: Approval) => unknown, task = DEMO_TASK): Promise<RunEvent[]> {
  const runId = (await t.api<{ run: Run }>("POST", "/api/runs", { task })).body.run.id;
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
const listLessons = async () => (await t.api<{ lessons: Lesson[] }>("GET", "/api/lessons")).body.lessons;
const paymentLessons = async () => (await listLessons()).filter((l) => l.tool === "issue_payment");
const lowerTo3000 = (a: Approval) => ({ type: "edit", args: { ...a.action.args, amount: 3000 } });
const approve = () => ({ type: "approve" });
const PAYMENT_LESSON = "On claim CLM-1001, editing issue_payment, a reviewer lowered the amount from £3,600.00 to £3,000.00.";
/** The demo's task about another claim: the same words, so only the case keeps CLM-1001's lesson out. */
const OTHER_CLAIM_TASK = DEMO_TASK.replace("CLM-1001", "CLM-1002");

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

  it("keeps the same lesson taught in two runs as one, about its claim; a run about another claim does not recall it until it is made general", async () => {
    const first = await runDemo(lowerTo3000);
    const second = await runDemo(lowerTo3000);
    const [lesson, ...more] = await paymentLessons();
    expect(more).toEqual([]);
    expect(lesson).toMatchObject({ text: PAYMENT_LESSON, scope: "case", case: "CLM-1001", taught: 2, runId: second[0]!.runId });
    expect(lesson!.createdAt <= lesson!.updatedAt).toBe(true);
    expect(recalledKeys(second)).toContain(lesson!.id);
    expect(first[0]!.runId).not.toBe(second[0]!.runId);
    // Feedback in a reviewer's words names no case: general.
    let responded = false;
    await runDemo(() => {
      if (responded) return approve();
      responded = true;
      return { type: "respond", message: "Always quote the claim reference in the payee field." };
    });
    const feedback = (await listLessons()).find((l) => l.text.startsWith("Reviewer feedback on issue_payment"))!;
    expect(feedback.scope).toBe("general");
    expect(feedback).not.toHaveProperty("case");

    const other = model.requests.length;
    const otherClaim = await runDemo(approve, OTHER_CLAIM_TASK);
    expect(recalledKeys(otherClaim)).not.toContain(lesson!.id);
    expect(recalledKeys(otherClaim)).toContain(feedback.id);
    expect(promptsOf("payments_officer", other).some((p) => p.includes(PAYMENT_LESSON))).toBe(false);
    expect(promptsOf("plan", other).some((p) => p.includes(PAYMENT_LESSON))).toBe(false);

    const general = await t.api<{ lesson: Lesson }>("PATCH", `/api/lessons/${lesson!.id}`, { scope: "general" });
    expect(general.status).toBe(200);
    expect(general.body.lesson).toMatchObject({ id: lesson!.id, scope: "general", text: PAYMENT_LESSON, taught: 2 });
    expect(general.body.lesson).not.toHaveProperty("case");
    expect(recalledKeys(await runDemo(approve, OTHER_CLAIM_TASK))).toContain(lesson!.id);
  });

  it("edits a lesson: later runs recall the edited text, and teaching it again keeps the edit", async () => {
    await runDemo(lowerTo3000);
    const [lesson] = await paymentLessons();
    const edited = "On claim CLM-1001, pay no more than £3,000.00: the settlement letter caps it.";
    const revised = await t.api<{ lesson: Lesson }>("PATCH", `/api/lessons/${lesson!.id}`, { text: `  ${edited}\n` });
    expect(revised.status).toBe(200);
    expect(revised.body.lesson).toMatchObject({ id: lesson!.id, text: edited, scope: "case", case: "CLM-1001", taught: 1 });
    expect(revised.body.lesson.editedAt).toEqual(expect.any(String));
    expect(await paymentLessons()).toEqual([revised.body.lesson]);

    // The same edit, taught again: counted, and the reviewer's words stand.
    const later = model.requests.length;
    const again = await runDemo(lowerTo3000);
    expect(recalledKeys(again)).toContain(lesson!.id);
    const prompts = promptsOf("payments_officer", later);
    expect(prompts.length).toBeGreaterThan(0);
    expect(prompts.every((p) => p.includes(edited) && !p.includes(PAYMENT_LESSON))).toBe(true);
    expect(await paymentLessons()).toEqual([expect.objectContaining({ id: lesson!.id, text: edited, taught: 2, runId: again[0]!.runId })]);

    // Made general, a lesson that names no case cannot be made about one again until its text names it.
    const rule = "Never pay more than the settlement letter says.";
    expect((await t.api("PATCH", `/api/lessons/${lesson!.id}`, { text: rule, scope: "general" })).status).toBe(200);
    const noCase = await t.api("PATCH", `/api/lessons/${lesson!.id}`, { scope: "case" });
    expect([noCase.status, noCase.body.error.code, noCase.body.error.details]).toEqual([400, "invalid_input", { field: "scope" }]);
    const named = await t.api<{ lesson: Lesson }>("PATCH", `/api/lessons/${lesson!.id}`, { text: `On CLM-1001: ${rule}`, scope: "case" });
    expect(named.body.lesson).toMatchObject({ scope: "case", case: "CLM-1001" });
  });

  it("answers a bad edit of a lesson with 400 naming the field, and an unknown lesson with 404", async () => {
    await runDemo(lowerTo3000);
    const [lesson] = await paymentLessons();
    for (const [body, field] of [
      [{}, "(body)"],
      [{ text: "   " }, "text"],
      [{ text: "x".repeat(2001) }, "text"],
      [{ scope: "sometimes" }, "scope"],
      [{ text: "Pay less.", runId: "run_x" }, "runId"],
      [{ text: 42 }, "text"],
    ] as const) {
      const bad = await t.api("PATCH", `/api/lessons/${lesson!.id}`, body);
      expect({ body, status: bad.status, field: bad.body.error?.details?.field }).toEqual({ body, status: 400, field });
    }
    expect((await t.api("PATCH", "/api/lessons/nope", { text: "Pay less." })).status).toBe(404);
    // Nothing of it changed.
    expect(await paymentLessons()).toEqual([lesson]);
  });

  it("folds lessons stored twice before lessons had scopes (keyed by run) into one, about the case their text names", async () => {
    await http.close();
    await runtime.close();
    const storage = await openStorage({ dataDir: data.dataDir, databaseUrl: data.databaseUrl, log: pino({ level: "silent" }) });
    const namespace = lessonsNamespace("insurance-claims");
    const taught = { specialist: "payments_officer", tool: "issue_payment", text: PAYMENT_LESSON };
    await storage.memory.put(namespace, "run-a-lesson", { ...taught, runId: "run-a" });
    await storage.memory.put(namespace, "run-b-lesson", { ...taught, text: ` ${PAYMENT_LESSON.toUpperCase()}`, runId: "run-b" });
    await storage.memory.put(namespace, "run-b-plan", {
      specialist: "supervisor",
      text: "Reviewer feedback on a plan: check the cover first.",
      runId: "run-b",
    });
    await storage.close();
    await openServer();

    const lessons = await listLessons();
    expect(lessons).toHaveLength(2);
    const payment = lessons.find((l) => l.tool === "issue_payment")!;
    expect(payment).toMatchObject({ scope: "case", case: "CLM-1001", taught: 2, runId: "run-b" });
    expect(lessons.find((l) => l.specialist === "supervisor")).toMatchObject({ scope: "general", taught: 1, runId: "run-b" });
    // Taught once more, it joins them.
    await runDemo(lowerTo3000);
    expect(await paymentLessons()).toEqual([expect.objectContaining({ id: payment.id, taught: 3, createdAt: payment.createdAt })]);
  });
});
