import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Approval, Decision, TokenDelta } from "../../server/contract/index.ts";
import { Runtime } from "../../server/runtime/index.ts";
import {
  offeredTools,
  startScriptedOpenAI,
  structuredOutputName,
  textOf,
  type ChatCompletionRequest,
  type ScriptedOpenAI,
  type ScriptedReply,
} from "../support/openai-server.ts";
import { answerUntilDone, DEMO_TASK, paymentsFor, tempDataDir } from "../support/runtime.ts";

const FINAL_ANSWER =
  "The escape of water from the burst pipe is covered. The payout of £3,600.00 was paid to Eleanor Whitfield. The customer was emailed about the settlement.";

/** The result a specialist's earlier call returned, read back from the prompt as a model would. */
function resultOf(request: ChatCompletionRequest, tool: string): Record<string, unknown> | undefined {
  const line = textOf(request, "user")
    .split("\n")
    .find((l) => l.startsWith(`- ${tool}(`) && l.includes(") -> done: "));
  return line ? (JSON.parse(line.slice(line.indexOf(") -> done: ") + ") -> done: ".length)) as Record<string, unknown>) : undefined;
}

function paymentsOfficer(request: ChatCompletionRequest): ScriptedReply {
  const paid = resultOf(request, "issue_payment");
  if (paid) return { content: `Paid £3,600.00 to Eleanor Whitfield under reference ${String(paid.payment_reference)}, as the settlement rules require [1].` };
  const payout = resultOf(request, "calculate_payout");
  if (!payout) return { toolCalls: [{ name: "calculate_payout", arguments: { claimId: "CLM-1001" } }] };
  return { toolCalls: [{ name: "issue_payment", arguments: { claimId: payout.claim_id, amount: payout.amount, payee: payout.payee } }] };
}

function communications(request: ChatCompletionRequest): ScriptedReply {
  if (resultOf(request, "send_email")) return { content: "Emailed Eleanor Whitfield that her payment is on its way [1]." };
  const contact = resultOf(request, "get_customer_contact");
  if (!contact) return { toolCalls: [{ name: "get_customer_contact", arguments: { claimId: "CLM-1001" } }] };
  return {
    toolCalls: [
      {
        name: "send_email",
        arguments: {
          claimId: "CLM-1001",
          to: contact.email,
          subject: "Your claim CLM-1001 has been settled",
          body: `Dear ${String(contact.customer_name)},\n\nWe have paid £3,600.00 for the escape of water at your home.\n\nHarbour Mutual`,
        },
      },
    ],
  };
}

/** The "model" of the demo: decides each reply from what the request asks and offers. */
function demoScript(request: ChatCompletionRequest): ScriptedReply {
  if (structuredOutputName(request) === "plan") {
    return {
      structured: {
        steps: [
          { specialist: "coverage_analyst", instruction: "Check the cover for escape of water from a burst pipe on claim CLM-1001." },
          { specialist: "payments_officer", instruction: "Work out the payout for claim CLM-1001 and pay it." },
          { specialist: "communications", instruction: "Email the customer on claim CLM-1001 about the payment." },
        ],
      },
    };
  }
  const system = textOf(request, "system");
  if (system.startsWith("Rewrite the search query")) return { content: "escape of water burst pipe cover settlement payment email" };
  if (system.startsWith("Write the final answer")) return { content: FINAL_ANSWER };
  const tools = offeredTools(request);
  if (tools.includes("issue_payment")) return paymentsOfficer(request);
  if (tools.includes("send_email")) return communications(request);
  if (system.startsWith("You are Coverage analyst")) return { content: "Escape of water from a burst pipe is covered by the home policy [1]." };
  return { status: 400, message: "the script does not know this request" };
}

const approve = (): Decision => ({ type: "approve" });

let data: ReturnType<typeof tempDataDir>;
let server: ScriptedOpenAI | undefined;
let runtime: Runtime | undefined;
let fetched: string[];
const realFetch = globalThis.fetch;

beforeEach(() => {
  data = tempDataDir();
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
afterEach(async () => {
  globalThis.fetch = realFetch;
  await runtime?.close();
  await server?.close();
  runtime = undefined;
  server = undefined;
  data.remove();
});

async function openWith(script: Parameters<typeof startScriptedOpenAI>[0]): Promise<{ server: ScriptedOpenAI; runtime: Runtime }> {
  server = await startScriptedOpenAI(script);
  runtime = await Runtime.open({
    dataDir: data.dir,
    models: { defaultModel: "openai:test-small", openaiApiKey: "test-key", openaiBaseUrl: server.url },
    sweepMs: 0,
  });
  return { server, runtime };
}

describe("the demo task with the openai provider against a scripted OpenAI server", () => {
  it("plans, calls tools, asks for the payment and the email, pays once and counts the server's tokens", async () => {
    const { server, runtime } = await openWith(demoScript);
    const tokens: TokenDelta[] = [];
    const unsubscribe = runtime.bus.on("token", (t) => tokens.push(t));

    const started = runtime.startRun({ task: DEMO_TASK });
    expect(started.model).toEqual({ provider: "openai", name: "test-small" });
    const { run, asked } = await answerUntilDone(runtime, started.id, approve);
    unsubscribe();

    expect(run.error).toBeUndefined();
    expect(run.status).toBe("completed");
    expect(asked.map((a: Approval) => a.action.name)).toEqual(["issue_payment", "send_email"]);
    expect(asked[0]!.action.args).toEqual({ claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" });
    expect(asked[1]!.action.args).toMatchObject({ claimId: "CLM-1001", subject: "Your claim CLM-1001 has been settled" });
    expect(paymentsFor(data.dir)).toEqual([expect.objectContaining({ amount: 3600, payee: "Eleanor Whitfield" })]);

    // The answer is the streamed text, in the order and pieces the server sent it.
    expect(run.result!.answer).toBe(FINAL_ANSWER);
    const answerDeltas = tokens.filter((t) => t.runId === run.id && t.node === "supervisor.answer").map((t) => t.delta);
    expect(answerDeltas.length).toBeGreaterThan(1);
    expect(answerDeltas.join("")).toBe(FINAL_ANSWER);
    const streamed = server.requests.filter((r) => r.stream === true);
    expect(streamed).toHaveLength(1);
    expect(streamed[0]!.stream_options).toEqual({ include_usage: true });

    // Usage is what the server reported, summed over every request; nothing estimated.
    const reported = server.usage.reduce((sum, u) => ({ inputTokens: sum.inputTokens + u.prompt_tokens, outputTokens: sum.outputTokens + u.completion_tokens }), {
      inputTokens: 0,
      outputTokens: 0,
    });
    expect(server.usage).toHaveLength(server.requests.length);
    expect(reported.inputTokens).toBeGreaterThan(0);
    expect(reported.outputTokens).toBeGreaterThan(0);
    expect(run.usage).toEqual(reported);

    // Every request named the configured model and carried the key.
    expect(server.requests.length).toBeGreaterThanOrEqual(8);
    expect(new Set(server.requests.map((r) => r.model))).toEqual(new Set(["test-small"]));
    expect(new Set(server.headers.map((h) => h.authorization))).toEqual(new Set(["Bearer test-key"]));
    expect(new Set(server.paths)).toEqual(new Set(["POST /v1/chat/completions"]));

    // The plan was asked for as structured output; each specialist was offered only its own tools.
    expect(server.requests.filter((r) => structuredOutputName(r) === "plan")).toHaveLength(1);
    const actsOf = (name: string) => server.requests.filter((r) => textOf(r, "system").startsWith(`You are ${name}.`));
    const payments = actsOf("Payments officer");
    expect(payments.length).toBe(3);
    for (const request of payments) expect(offeredTools(request).sort()).toEqual(["calculate_payout", "issue_payment"]);
    for (const request of actsOf("Customer communications")) expect(offeredTools(request).sort()).toEqual(["get_customer_contact", "send_email"]);
    for (const request of actsOf("Coverage analyst")) expect(offeredTools(request).sort()).toEqual(["get_claim", "get_policy_for_claim"]);
    // The payment was proposed from the payout the model was shown.
    expect(textOf(payments[1]!, "user")).toMatch(/calculate_payout\(\{"claimId":"CLM-1001"\}\) -> done: .*"amount":3600/);

    // Nothing left this process except calls to the scripted server.
    expect(fetched.length).toBe(server.requests.length);
    expect(fetched.every((url) => url === `${server.url}/chat/completions`)).toBe(true);
  });

  it("fails the run with model_error when the server answers 500 to everything", async () => {
    const { server, runtime } = await openWith(() => ({ status: 500, message: "the model is down" }));
    const begun = Date.now();

    const run = await runtime.waitForRun(runtime.startRun({ task: DEMO_TASK }).id);

    expect(run.status).toBe("failed");
    expect(run.error?.code).toBe("model_error");
    expect(run.error?.message).toMatch(/test-small failed to plan/);
    // ChatOpenAI retries twice (maxRetries: 2) before giving up.
    expect(server.requests).toHaveLength(3);
    expect(paymentsFor(data.dir)).toEqual([]);
    expect(Date.now() - begun).toBeLessThan(25_000);
  }, 30_000);
});
