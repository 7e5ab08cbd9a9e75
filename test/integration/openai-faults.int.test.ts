import { describe, expect, it } from "vitest";
import type { RetryPolicy } from "../../agents/models/index.ts";
import type { Decision, TokenDelta } from "../../server/contract/index.ts";
import { demoScript, FINAL_ANSWER, roleOf, type DemoRole } from "../support/openai-demo.ts";
import { useScriptedRuntime } from "../support/openai-runtime.ts";
import { fault, textOf, type ChatCompletionRequest, type ScriptedReply, type ScriptHandler } from "../support/openai-server.ts";
import { until } from "../support/clients.ts";
import { answerUntilDone, DEMO_TASK, paymentsFor } from "../support/runtime.ts";

const approve = (): Decision => ({ type: "approve" });
const scripted = useScriptedRuntime();
const openWith = (script: ScriptHandler, retry: Partial<RetryPolicy> = {}) => scripted.open(script, { retry });

type Fault = ScriptedReply | ((request: ChatCompletionRequest) => ScriptedReply);

/** The demo, except that the first requests for `role` are answered with `faults`, in order. */
function faulty(role: DemoRole, ...faults: Fault[]): ScriptHandler {
  let seen = 0;
  return (request) => {
    if (roleOf(request) !== role || seen >= faults.length) return demoScript(request);
    const next = faults[seen++]!;
    return typeof next === "function" ? next(request) : next;
  };
}

/** The demo payments officer, except that its payment arrives with these raw arguments the first `times` times. */
function badPayment(args: string, times: number): ScriptHandler {
  let sent = 0;
  return (request) => {
    const reply = demoScript(request);
    if (roleOf(request) !== "payments_officer" || !("toolCalls" in reply) || reply.toolCalls[0]!.name !== "issue_payment" || sent >= times)
      return reply;
    sent += 1;
    return { toolCalls: [{ name: "issue_payment", arguments: args }] };
  };
}

const lastUserText = (request: ChatCompletionRequest): string => textOf({ ...request, messages: request.messages.slice(-1) }, "user");

describe("an OpenAI-compatible server that is busy, broken or slow", () => {
  it("retries a 429 no sooner than its retry-after asks, then goes on", async () => {
    const { server, runtime } = await openWith(faulty("plan", fault.rateLimited({ seconds: 1 })));

    const { run } = await answerUntilDone(runtime, (await runtime.startRun({ task: DEMO_TASK })).id, approve);

    expect(run.status).toBe("completed");
    expect(server.requests.slice(0, 2).map(roleOf)).toEqual(["plan", "plan"]);
    expect(server.times[1]! - server.times[0]!).toBeGreaterThanOrEqual(1_000);
    expect(await paymentsFor(scripted.dir)).toHaveLength(1);
  });

  it("fails at once, naming the cause, when a 429 asks for a longer wait than Guild allows", async () => {
    const { server, runtime } = await openWith(faulty("plan", fault.rateLimited({ seconds: 120 })));

    const run = await runtime.waitForRun((await runtime.startRun({ task: DEMO_TASK })).id);

    expect(run.status).toBe("failed");
    expect(run.error).toEqual({
      code: "model_error",
      message: "test-small failed to plan: the server is rate limiting (429): Rate limit reached, slow down",
      details: { cause: "rate_limited", attempts: 1, status: 429 },
    });
    expect(server.requests).toHaveLength(1);
  });

  it("gives up on 500 after its retries, fails the run with model_error naming the cause, and still serves the next run", async () => {
    let down = true;
    const { server, runtime } = await openWith((request) => (down ? fault.serverError() : demoScript(request)), { maxRetries: 2 });

    const failed = await runtime.waitForRun((await runtime.startRun({ task: DEMO_TASK })).id);

    expect(failed.status).toBe("failed");
    expect(failed.error).toEqual({
      code: "model_error",
      message: "test-small failed to plan: the server failed (500): the model is down (gave up after 3 attempts)",
      details: { cause: "server_error", attempts: 3, status: 500 },
    });
    expect(server.requests).toHaveLength(3);
    expect(await paymentsFor(scripted.dir)).toEqual([]);

    down = false;
    const { run } = await answerUntilDone(runtime, (await runtime.startRun({ task: DEMO_TASK })).id, approve);
    expect(run.status).toBe("completed");
    expect(await paymentsFor(scripted.dir)).toHaveLength(1);
  });

  it("abandons an answer slower than the timeout, closes its request and asks again", async () => {
    const { server, runtime } = await openWith(faulty("answer", fault.slow(10_000, { content: "too late" })), { timeoutMs: 1_000 });
    const tokens: TokenDelta[] = [];
    runtime.onToken((t) => tokens.push(t));
    const begun = Date.now();

    const { run } = await answerUntilDone(runtime, (await runtime.startRun({ task: DEMO_TASK })).id, approve);

    expect(run.status).toBe("completed");
    expect(run.result!.answer).toBe(FINAL_ANSWER);
    const answers = server.requests.flatMap((r, i) => (roleOf(r) === "answer" ? [i] : []));
    expect(answers).toHaveLength(2);
    expect(server.abandoned).toEqual([answers[0]]);
    expect(
      tokens
        .filter((t) => t.node === "supervisor.answer")
        .map((t) => t.delta)
        .join(""),
    ).toBe(FINAL_ANSWER);
    expect(Date.now() - begun).toBeLessThan(5_000);
  });

  it("fails the run naming the timeout when every attempt is too slow", async () => {
    const { server, runtime } = await openWith(() => fault.slow(10_000, { content: "too late" }), { timeoutMs: 200, maxRetries: 1 });

    const run = await runtime.waitForRun((await runtime.startRun({ task: DEMO_TASK })).id);

    expect(run.status).toBe("failed");
    expect(run.error).toEqual({
      code: "model_error",
      message: "test-small failed to plan: the server sent nothing for 200 ms (timeout) (gave up after 2 attempts)",
      details: { cause: "timeout", attempts: 2 },
    });
    await until("both attempts to be abandoned", () => server.abandoned.length === 2, 3_000);
    expect(server.abandoned).toEqual([0, 1]);
  });

  it("aborts the request in flight when the run is cancelled", async () => {
    const { server, runtime } = await openWith(() => fault.slow(10_000, { content: "too late" }));
    const started = await runtime.startRun({ task: DEMO_TASK });
    await until("the request to reach the server", () => server.requests.length === 1, 3_000);
    const begun = Date.now();

    const run = await runtime.cancel(started.id);

    expect(run.status).toBe("cancelled");
    await until("the request to be abandoned", () => server.abandoned.length === 1, 3_000);
    expect(Date.now() - begun).toBeLessThan(2_000);
    expect(server.abandoned).toEqual([0]);
    expect(server.requests).toHaveLength(1);
  });

  it("retries a stream cut mid-way, and the tokens still read as the answer, once", async () => {
    const { server, runtime } = await openWith(faulty("answer", fault.cut(4, { content: FINAL_ANSWER })));
    const tokens: TokenDelta[] = [];
    runtime.onToken((t) => tokens.push(t));

    const { run } = await answerUntilDone(runtime, (await runtime.startRun({ task: DEMO_TASK })).id, approve);

    expect(run.status).toBe("completed");
    expect(run.result!.answer).toBe(FINAL_ANSWER);
    expect(server.requests.filter((r) => roleOf(r) === "answer")).toHaveLength(2);
    expect(server.abandoned).toEqual([]);
    expect(
      tokens
        .filter((t) => t.node === "supervisor.answer")
        .map((t) => t.delta)
        .join(""),
    ).toBe(FINAL_ANSWER);
  });

  it("fails the run naming the cut stream when every attempt is cut", async () => {
    const { runtime } = await openWith(() => fault.cut(2, { content: FINAL_ANSWER }), { maxRetries: 1 });

    const run = await runtime.waitForRun((await runtime.startRun({ task: DEMO_TASK })).id);

    expect(run.status).toBe("failed");
    expect(run.error?.code).toBe("model_error");
    expect(run.error?.message).toMatch(
      /^test-small failed to plan: the streamed answer was cut off \(stream_cut\): terminated .*\(gave up after 2 attempts\)$/,
    );
  });
});

describe("a model whose answer does not validate", () => {
  it("repairs tool-call arguments that are not JSON, and never acts on a guess at them", async () => {
    // LangChain's partial-JSON parser would read this as {claimId, amount: 36}.
    const { server, runtime } = await openWith(badPayment('{"claimId": "CLM-1001", "amount": 36', 1));

    const { run, asked } = await answerUntilDone(runtime, (await runtime.startRun({ task: DEMO_TASK })).id, approve);

    expect(run.status).toBe("completed");
    expect(asked.map((a) => a.action)).toEqual([
      { name: "issue_payment", args: { claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" } },
      expect.objectContaining({ name: "send_email" }),
    ]);
    const repair = server.requests.find((r) => lastUserText(r).startsWith("Those tool calls are not valid"))!;
    expect(lastUserText(repair)).toMatch(/^Those tool calls are not valid: issue_payment: the arguments are not valid JSON/);
    expect(textOf(repair, "assistant")).toContain('issue_payment({"claimId": "CLM-1001", "amount": 36)');
    expect(await paymentsFor(scripted.dir)).toEqual([expect.objectContaining({ amount: 3600 })]);
  });

  it("fails the run naming the invalid tool call when the repair is invalid too; nothing is asked or paid", async () => {
    const { server, runtime } = await openWith(badPayment('{"claimId": "CLM-1001", "amount": "lots", "payee": "Eleanor Whitfield"}', 2));

    const { run, asked } = await answerUntilDone(runtime, (await runtime.startRun({ task: DEMO_TASK })).id, approve);

    expect(run.status).toBe("failed");
    // What the run used up to its last checkpoint is kept: the plan and the coverage step at least.
    const reported = server.usage.reduce((n, u) => n + u.prompt_tokens, 0);
    expect(run.usage?.inputTokens).toBeGreaterThan(0);
    expect(run.usage!.inputTokens).toBeLessThan(reported);
    expect(Object.keys(run.usage!.bySpecialist ?? {})).toContain("coverage_analyst");
    expect(run.error?.code).toBe("model_error");
    expect(run.error?.message).toBe(
      "test-small failed to act as Payments officer: its tool call did not validate, nor after one repair (invalid_tool_call): issue_payment: amount: must be a number",
    );
    expect(asked).toEqual([]);
    expect(await paymentsFor(scripted.dir)).toEqual([]);
  });

  it("repairs a plan that names an unknown specialist", async () => {
    const { server, runtime } = await openWith(
      faulty("plan", { structured: { steps: [{ specialist: "underwriter", instruction: "Check the cover." }] } }),
    );

    const { run } = await answerUntilDone(runtime, (await runtime.startRun({ task: DEMO_TASK })).id, approve);

    expect(run.status).toBe("completed");
    const [first, repair] = server.requests.filter((r) => roleOf(r) === "plan");
    expect(first).toBeDefined();
    expect(lastUserText(repair!)).toMatch(
      /^That plan is not valid: steps\.0\.specialist: Invalid option: expected one of "coverage_analyst"\|/,
    );
    expect(textOf(repair!, "assistant")).toContain('"underwriter"');
    expect(await paymentsFor(scripted.dir)).toHaveLength(1);
  });

  it("fails the run naming the invalid plan when the repair is invalid too", async () => {
    const { server, runtime } = await openWith(
      faulty("plan", { content: "Sure! First the coverage analyst..." }, { structured: { steps: [] } }),
    );

    const run = await runtime.waitForRun((await runtime.startRun({ task: DEMO_TASK })).id);

    expect(run.status).toBe("failed");
    expect(run.error).toEqual({
      code: "model_error",
      message:
        "test-small failed to plan: its plan did not validate, nor after one repair (invalid_plan): steps: Too small: expected array to have >=1 items",
      details: expect.objectContaining({ cause: "invalid_plan", attempts: 2 }),
    });
    expect(server.requests).toHaveLength(2);
  });
});
