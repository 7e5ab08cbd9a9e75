import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { eventsOfType, type Approval, type Decision, type RunEvent, type TokenDelta } from "../../server/contract/index.ts";
import { demoScript, FINAL_ANSWER, roleOf, type DemoRole } from "../support/openai-demo.ts";
import { useScriptedRuntime } from "../support/openai-runtime.ts";
import { packVariant } from "../support/pack-variant.ts";
import { offeredTools, structuredOutputName, textOf } from "../support/openai-server.ts";
import { answerUntilDone, DEMO_TASK, paymentsFor } from "../support/runtime.ts";

const approve = (): Decision => ({ type: "approve" });
const scripted = useScriptedRuntime();
let fetched: string[];
const realFetch = globalThis.fetch;

beforeEach(() => {
  fetched = [];
  // Every HTTP call the provider makes goes through fetch: record it, and refuse anything but the
  // scripted server, so the test proves it needs no network (no tokenizer downloads, no api.openai.com).
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    fetched.push(url);
    if (!url.startsWith("http://127.0.0.1:")) return Promise.reject(new Error(`network access outside the scripted server: ${url}`));
    return realFetch(input, init);
  };
});
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** Whose work each request was: the supervisor's, or a specialist's (a reformulation belongs to the step it serves). */
function owners(roles: DemoRole[]): string[] {
  const owner = roles.map((role) => (role === "plan" || role === "answer" ? "supervisor" : role));
  for (let i = owner.length - 2; i >= 0; i -= 1) if (owner[i] === "reformulate") owner[i] = owner[i + 1]!;
  return owner;
}

/** A copy of the insurance pack whose manifest gives the supervisor and each specialist a model of its own. */
function packWithModels(models: Record<string, string>): string {
  const variant = packVariant((manifest) => {
    manifest.supervisor = { model: models.supervisor };
    for (const specialist of manifest.specialists) if (models[specialist.id]) specialist.model = models[specialist.id];
  });
  onTestFinished(() => variant.remove());
  return variant.root;
}

describe("the demo task with the openai provider against a scripted OpenAI server", () => {
  it("plans, calls tools, asks for the payment and the email, pays once and counts the server's tokens per specialist", async () => {
    const { server, runtime } = await scripted.open(demoScript);
    const tokens: TokenDelta[] = [];
    const events: RunEvent[] = [];
    const stopTokens = runtime.onToken((t) => tokens.push(t));
    const stopEvents = runtime.onEvent((e) => events.push(e));

    const started = await runtime.startRun({ task: DEMO_TASK });
    expect(started.model).toEqual({ provider: "openai", name: "test-small" });
    const { run, asked } = await answerUntilDone(runtime, started.id, approve);
    stopTokens();
    stopEvents();

    expect(run.error).toBeUndefined();
    expect(run.status).toBe("completed");
    expect(asked.map((a: Approval) => a.action.name)).toEqual(["issue_payment", "send_email"]);
    expect(asked[0]!.action.args).toEqual({ claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" });
    expect(asked[1]!.action.args).toMatchObject({ claimId: "CLM-1001", subject: "Your claim CLM-1001 has been settled" });
    expect(await paymentsFor(scripted.dir)).toEqual([expect.objectContaining({ amount: 3600, payee: "Eleanor Whitfield" })]);

    // Every call streams, asks for usage, and its text arrives in order, in the pieces the server sent.
    expect(server.requests.every((r) => r.stream === true && r.stream_options?.include_usage === true)).toBe(true);
    expect(run.result!.answer).toBe(FINAL_ANSWER);
    const deltas = (node: string, specialist?: string) =>
      tokens.filter((t) => t.runId === run.id && t.node === node && t.specialist === specialist).map((t) => t.delta);
    expect(deltas("supervisor.answer").length).toBeGreaterThan(1);
    expect(deltas("supervisor.answer").join("")).toBe(FINAL_ANSWER);
    const coverage = eventsOfType(events, "message").find((e) => e.data.specialist === "coverage_analyst")!;
    expect(deltas("specialist.reason", "coverage_analyst").length).toBeGreaterThan(1);
    expect(deltas("specialist.reason", "coverage_analyst").join("")).toBe(coverage.data.text);

    // Usage is what the server reported, summed per request and per owner; nothing estimated.
    expect(server.usage).toHaveLength(server.requests.length);
    const byOwner: Record<string, { inputTokens: number; outputTokens: number }> = {};
    owners(server.requests.map(roleOf)).forEach((owner, i) => {
      const sum = (byOwner[owner] ??= { inputTokens: 0, outputTokens: 0 });
      sum.inputTokens += server.usage[i]!.prompt_tokens;
      sum.outputTokens += server.usage[i]!.completion_tokens;
    });
    const { supervisor, ...specialists } = byOwner;
    expect(Object.keys(specialists).sort()).toEqual(["communications", "coverage_analyst", "payments_officer"]);
    expect(run.usage).toEqual({
      inputTokens: server.usage.reduce((n, u) => n + u.prompt_tokens, 0),
      outputTokens: server.usage.reduce((n, u) => n + u.completion_tokens, 0),
      supervisor,
      bySpecialist: specialists,
    });
    // The events that report model work carry its usage: the plan, each step's message, the answer.
    expect(eventsOfType(events, "plan.proposed")[0]!.data.usage).toEqual({
      inputTokens: server.usage[0]!.prompt_tokens,
      outputTokens: server.usage[0]!.completion_tokens,
    });
    for (const id of Object.keys(specialists))
      expect(eventsOfType(events, "message").find((e) => e.data.specialist === id)!.data.usage).toEqual(specialists[id]);
    expect(eventsOfType(events, "message").find((e) => e.data.node === "supervisor.answer")!.data.usage).toEqual({
      inputTokens: server.usage.at(-1)!.prompt_tokens,
      outputTokens: server.usage.at(-1)!.completion_tokens,
    });

    // Every request named the configured model and carried the key.
    expect(server.requests.length).toBeGreaterThanOrEqual(8);
    expect(new Set(server.requests.map((r) => r.model))).toEqual(new Set(["test-small"]));
    expect(new Set(server.headers.map((h) => h.authorization))).toEqual(new Set(["Bearer test-key"]));
    expect(new Set(server.paths)).toEqual(new Set(["POST /v1/chat/completions"]));

    // The plan was asked for as structured output naming the pack's specialists; each specialist was offered only its own tools.
    const plans = server.requests.filter((r) => structuredOutputName(r) === "plan");
    expect(plans).toHaveLength(1);
    expect(JSON.stringify(plans[0]!.response_format)).toContain(
      '"enum":["coverage_analyst","claims_investigator","payments_officer","communications"]',
    );
    const actsOf = (name: string) => server.requests.filter((r) => textOf(r, "system").startsWith(`You are ${name}.`));
    const payments = actsOf("Payments officer");
    expect(payments.length).toBe(3);
    for (const request of payments) expect(offeredTools(request).sort()).toEqual(["calculate_payout", "issue_payment"]);
    for (const request of actsOf("Customer communications"))
      expect(offeredTools(request).sort()).toEqual(["get_customer_contact", "send_email"]);
    for (const request of actsOf("Coverage analyst")) expect(offeredTools(request).sort()).toEqual(["get_claim", "get_policy_for_claim"]);
    // The payment was proposed from the payout the model was shown.
    expect(textOf(payments[1]!, "user")).toMatch(/calculate_payout\(\{"claimId":"CLM-1001"\}\) -> done: .*"amount":3600/);

    // Nothing left this process except calls to the scripted server.
    expect(fetched.length).toBe(server.requests.length);
    expect(fetched.every((url) => url === `${server.url}/chat/completions`)).toBe(true);
  });

  it("sends each specialist's request to the model its pack names, and the supervisor's to its own", async () => {
    const models = {
      supervisor: "openai:big-supervisor",
      coverage_analyst: "openai:small-cover",
      payments_officer: "openai:qwen2.5:3b",
      communications: "openai:small-letters",
    };
    const { server, runtime } = await scripted.open(demoScript, { packDirs: [packWithModels(models)] });

    const started = await runtime.startRun({ task: DEMO_TASK });
    expect(started.model).toEqual({ provider: "openai", name: "big-supervisor" });
    const { run } = await answerUntilDone(runtime, started.id, approve);

    expect(run.status).toBe("completed");
    const named = new Map<string, Set<string>>();
    owners(server.requests.map(roleOf)).forEach((owner, i) =>
      named.set(owner, (named.get(owner) ?? new Set()).add(server.requests[i]!.model)),
    );
    expect(Object.fromEntries([...named].map(([owner, names]) => [owner, [...names]]))).toEqual({
      supervisor: ["big-supervisor"],
      coverage_analyst: ["small-cover"],
      payments_officer: ["qwen2.5:3b"],
      communications: ["small-letters"],
    });
  });
});
