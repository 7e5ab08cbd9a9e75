import type { ModelSettings } from "../../agents/models/index.ts";
import { offeredTools, structuredOutputName, textOf, type ChatCompletionRequest, type ScriptedReply } from "./openai-server.ts";

/** The demo task's answer as the scripted model writes it. */
export const FINAL_ANSWER =
  "The escape of water from the burst pipe is covered. The payout of £3,600.00 was paid to Eleanor Whitfield. The customer was emailed about the settlement.";

export const DEMO_PLAN = {
  steps: [
    { specialist: "coverage_analyst", instruction: "Check the cover for escape of water from a burst pipe on claim CLM-1001." },
    { specialist: "payments_officer", instruction: "Work out the payout for claim CLM-1001 and pay it." },
    { specialist: "communications", instruction: "Email the customer on claim CLM-1001 about the payment." },
  ],
};

/** The result a specialist's earlier call returned, read back from the prompt as a model would. */
export function resultOf(request: ChatCompletionRequest, tool: string): Record<string, unknown> | undefined {
  const line = textOf(request, "user")
    .split("\n")
    .find((l) => l.startsWith(`- ${tool}(`) && l.includes(") -> done: "));
  return line ? (JSON.parse(line.slice(line.indexOf(") -> done: ") + ") -> done: ".length)) as Record<string, unknown>) : undefined;
}

function paymentsOfficer(request: ChatCompletionRequest): ScriptedReply {
  const paid = resultOf(request, "issue_payment");
  if (paid)
    return {
      content: `Paid £3,600.00 to Eleanor Whitfield under reference ${String(paid.payment_reference)}, as the settlement rules require [1].`,
    };
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

/** What a request is for: the supervisor's plan or answer, a specialist's turn (by tool set), or a reformulation. */
export type DemoRole = "plan" | "answer" | "reformulate" | "coverage_analyst" | "payments_officer" | "communications" | "unknown";

export function roleOf(request: ChatCompletionRequest): DemoRole {
  if (structuredOutputName(request) === "plan") return "plan";
  const system = textOf(request, "system");
  if (system.startsWith("Rewrite the search query")) return "reformulate";
  if (system.startsWith("Write the final answer")) return "answer";
  const tools = offeredTools(request);
  if (tools.includes("issue_payment")) return "payments_officer";
  if (tools.includes("send_email")) return "communications";
  if (system.startsWith("You are Coverage analyst")) return "coverage_analyst";
  return "unknown";
}

/** The "model" of the demo: decides each reply from what the request asks and offers. */
export function demoScript(request: ChatCompletionRequest): ScriptedReply {
  switch (roleOf(request)) {
    case "plan":
      return { structured: DEMO_PLAN };
    case "reformulate":
      return { content: "escape of water burst pipe cover settlement payment email" };
    case "answer":
      return { content: FINAL_ANSWER };
    case "payments_officer":
      return paymentsOfficer(request);
    case "communications":
      return communications(request);
    case "coverage_analyst":
      return { content: "Escape of water from a burst pipe is covered by the home policy [1]." };
    case "unknown":
      return { status: 400, message: "the script does not know this request" };
  }
}

/**
 * Model settings for a scripted server: short timeouts and backoff, so fault tests stay fast.
 * @example Runtime.open({ dataDir, models: scriptedModels(server.url), sweepMs: 0 })
 */
export function scriptedModels(url: string, overrides: Partial<ModelSettings> = {}): ModelSettings {
  return {
    defaultModel: "openai:test-small",
    openaiApiKey: "test-key",
    openaiBaseUrl: url,
    ...overrides,
    retry: { timeoutMs: 5_000, maxRetries: 2, baseDelayMs: 20, maxDelayMs: 2_000, ...overrides.retry },
  };
}
