import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ProposedCall } from "../../agents/models/index.ts";
import type { ToolDefinition } from "../../agents/packs/index.ts";
import { formatMoney } from "../../agents/text/index.ts";
import { approvalId, type ApprovalRequest, type Decision } from "../approval/index.ts";
import { runIdOf } from "../events.ts";
import { specialistOf, type GraphDeps } from "../deps.ts";
import { approvalTerms, gateFor, type Gate } from "../policy.ts";
import { approvalTitle, shownArgs } from "../approval-text.ts";
import type { GuildUpdate } from "../state.ts";

/** What the approval node of one gated call receives (through `Send`). */
export interface ApproveCallInput {
  call: ProposedCall;
  /** The policy's verdict, taken when the call was proposed (absent in older checkpoints). */
  gate?: Gate;
  specialist: string;
  responses: number;
}

function describeArgs(args: Record<string, unknown>): string {
  return Object.entries(args)
    .map(
      ([k, v]) =>
        `${k}: ${typeof v === "number" && /amount|total/i.test(k) ? formatMoney(v) : typeof v === "string" && v.length > 80 ? `${v.slice(0, 77)}...` : String(v)}`,
    )
    .join(", ");
}

const withDefined = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  value === undefined ? {} : ({ [key]: value } as { [P in K]: V });

/** The approval request for a gated call: deterministic, so a re-run asks the same question. */
export async function toolCallRequest(
  deps: GraphDeps,
  runId: string,
  input: ApproveCallInput,
  tool: ToolDefinition | undefined,
): Promise<ApprovalRequest> {
  const specialist = specialistOf(deps, input.specialist);
  // Without the tool (an MCP server gone since the call was routed here) a reviewer still decides.
  const gate =
    input.gate ?? (tool ? await gateFor(deps, input.specialist, tool, input.call.args) : { requiresApproval: true, reasons: [] });
  const risk = gate.highRisk ? `HIGH RISK: ${gate.highRisk.replace(/\.$/, "")}. ` : "";
  const reasons = [...(gate.violations ?? []).map((v) => `it breaks a rule of the pack: ${v}`), ...gate.reasons];
  const why = `${reasons.length > 0 ? ` Asked because: ${reasons.join("; ")}.` : ""}${gate.requiresRoles ? ` Only ${gate.requiresRoles.join(" and ")} may approve it.` : ""}`;
  const { allowRespond, terms } = approvalTerms(deps.pack, "tool_call", input.responses, "this call");
  const what = `${input.call.name} (${(tool?.description ?? input.call.name).split(/[.:]/)[0]}) with ${describeArgs(input.call.args)}`;
  // A retry is the approved call again, under its first key: only try again (approve) or skip it (reject).
  const retry = gate.retry !== undefined;
  return {
    action_request: { action: input.call.name, args: input.call.args },
    config: { allow_accept: true, allow_edit: !retry, allow_respond: allowRespond && !retry, allow_ignore: true },
    description: retry
      ? `${risk}${specialist.name}'s ${what} could not be done: ${gate.retry}. Try again?${why}`
      : `${risk}${specialist.name} wants to ${what}.${why}`,
    guild: {
      ...(reasons.length > 0 ? { reasons } : {}),
      ...terms,
      approvalId: approvalId(runId, `call:${input.call.id}`),
      kind: "tool_call",
      allowRedirect: !retry,
      specialist: input.specialist,
      callId: input.call.id,
      ...(gate.highRisk ? { highRisk: gate.highRisk } : {}),
      ...(gate.context ? { context: gate.context } : {}),
      ...(gate.violations ? { violations: gate.violations } : {}),
      ...withDefined("title", approvalTitle(tool, input.call.args)),
      ...withDefined("shown", shownArgs(tool, input.call.args)),
      ...(gate.requiresRoles ? { requiresRoles: gate.requiresRoles } : {}),
      ...(gate.fourEyes ? { fourEyes: true } : {}),
    },
  };
}

/**
 * approval.tool_call: one interrupt for one gated call, with no side effect before it (finding an
 * MCP tool may list its server's tools, and an older checkpoint's verdict is looked up, neither of
 * which changes anything); records the decision.
 */
export function approveCallNode(deps: GraphDeps) {
  return async (input: ApproveCallInput, config: LangGraphRunnableConfig): Promise<GuildUpdate> => {
    const tool = await deps.tools.find(input.call.name, config.signal);
    const decision = interrupt<ApprovalRequest, Decision>(await toolCallRequest(deps, runIdOf(config), input, tool));
    return { decisions: { [input.call.id]: decision } };
  };
}
