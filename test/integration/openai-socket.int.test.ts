import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Approval, Run, RunEvent, TokenDelta } from "../../server/contract/index.ts";
import type { RuntimeOptions } from "../../server/runtime/index.ts";
import { demoScript, FINAL_ANSWER, scriptedModels } from "../support/openai-demo.ts";
import { startScriptedOpenAI, type ScriptedOpenAI } from "../support/openai-server.ts";
import { DEMO_TASK } from "../support/runtime.ts";
import { call, collectEvents, until, useServer } from "../support/server.ts";

let model: ScriptedOpenAI;
// Filled in before each server starts: the scripted model server must be listening first.
const runtimeOptions: Partial<RuntimeOptions> = {};
beforeAll(async () => {
  model = await startScriptedOpenAI(demoScript);
  runtimeOptions.models = scriptedModels(model.url);
});
afterAll(() => model.close());

const t = useServer({ runtime: runtimeOptions });

describe("the openai provider behind the server", () => {
  it("streams every specialist's tokens and the answer over the socket, in order, before each durable message", async () => {
    const client = await t.socket();
    const events = collectEvents(client);
    // Tokens and events in the order the client received them.
    const received: (TokenDelta | RunEvent)[] = [];
    client.on("run:token", (token) => received.push(token));
    client.on("run:event", (event) => received.push(event));
    client.on("run:event", (event) => {
      if (event.type !== "approval.requested") return;
      const approval = event.data.approval as Approval;
      void call(client, "approval:decide", { approvalId: approval.id, decision: { type: "approve" } });
    });

    // The plan waits for approval, so the socket follows the run before any model writes.
    const { body } = await t.api<{ run: Run }>("POST", "/api/runs", { task: DEMO_TASK, options: { planApproval: true } });
    const runId = body.run.id;
    expect((await call(client, "run:subscribe", { runId })).ok).toBe(true);
    await until("the run to end", () => events.find((e) => ["run.completed", "run.failed"].includes(e.type)));

    expect(events.at(-1)!.type).toBe("run.completed");
    const messages = events.filter((e: RunEvent) => e.type === "message");
    expect(messages.map((m) => m.data.specialist ?? m.data.node)).toEqual([
      "coverage_analyst",
      "payments_officer",
      "communications",
      "supervisor.answer",
    ]);
    for (const message of messages) {
      const writer = (x: TokenDelta | RunEvent): x is TokenDelta =>
        "delta" in x &&
        x.runId === runId &&
        (message.data.specialist ? x.specialist === message.data.specialist : x.node === "supervisor.answer");
      const streamed = received.filter(writer);
      expect(streamed.length).toBeGreaterThan(1);
      expect(streamed.map((x) => x.delta).join("")).toBe(message.data.text);
      expect(received.indexOf(streamed.at(-1)!)).toBeLessThan(received.indexOf(message));
    }
    expect(messages.at(-1)!.data.text).toBe(FINAL_ANSWER);

    const { body: after } = await t.api<{ run: Run & { usage: { bySpecialist: Record<string, unknown> } } }>("GET", `/api/runs/${runId}`);
    expect(Object.keys(after.run.usage.bySpecialist).sort()).toEqual(["communications", "coverage_analyst", "payments_officer"]);
    expect(after.run.usage.inputTokens).toBe(model.usage.reduce((n, u) => n + u.prompt_tokens, 0));
  });
});
