import { offeredTools, structuredOutputName, textOf, type ChatCompletionRequest, type ScriptedReply } from "./openai-server.ts";
import { resultOf } from "./openai-demo.ts";

/** The specialist ids a plan request allows (its JSON schema's enum). */
function allowedSpecialists(request: ChatCompletionRequest): string[] {
  const schema = (request.response_format as { json_schema?: { schema?: any } } | undefined)?.json_schema?.schema;
  return schema?.properties?.steps?.items?.properties?.specialist?.enum ?? [];
}

const claimIn = (text: string): string | undefined => /CLM-\d{4}/.exec(text)?.[0];

/**
 * A small scripted "model" for eval tests: plans one step for the payments officer (or the only
 * specialist there is), works out payouts with calculate_payout, pays only when offered
 * issue_payment (the task asked for it), declines what it has nothing on, and writes the final
 * answer from the specialists' reports.
 */
export function evalScript(request: ChatCompletionRequest): ScriptedReply {
  const system = textOf(request, "system");
  const user = textOf(request, "user");
  const task = /^Task: (.*)$/m.exec(user)?.[1] ?? "";
  if (structuredOutputName(request) === "plan") {
    const ids = allowedSpecialists(request);
    const specialist = ids.includes("payments_officer") ? "payments_officer" : ids[0];
    return { structured: { steps: [{ specialist, instruction: task }] } };
  }
  if (system.startsWith("Rewrite the search query")) return { content: task };
  if (system.startsWith("Write the final answer")) {
    const reports = user.slice(user.indexOf("Reports:") + "Reports:".length).trim();
    return { content: reports };
  }
  const tools = offeredTools(request);
  const claimId = claimIn(task);
  if (!claimId || !tools.includes("calculate_payout"))
    return { content: "The documents and back-end do not answer this: I searched the settlement and authority documents." };
  const payout = resultOf(request, "calculate_payout");
  if (!payout) return { toolCalls: [{ name: "calculate_payout", arguments: { claimId } }] };
  const asked = user.includes("- issue_payment(");
  if (tools.includes("issue_payment") && !asked)
    return { toolCalls: [{ name: "issue_payment", arguments: { claimId, amount: payout.amount, payee: payout.payee } }] };
  return {
    content: `The payout on ${claimId} is £${Number(payout.amount).toLocaleString("en-GB", { minimumFractionDigits: 2 })} [1].${asked ? " The payment was not approved." : ""}`,
  };
}
