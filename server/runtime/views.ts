import { allowedDecisions, scopeOf } from "../../graphs/index.ts";
import type { Item } from "@langchain/langgraph-checkpoint";
import type { Approval, Lesson, PackSummary, Run } from "../contract/index.ts";
import type { PackEngine } from "./engine.ts";
import type { ApprovalRecord, RunRecord } from "./runs/index.ts";

/** An approval in the contract's shape. */
export function approvalView(record: ApprovalRecord): Approval {
  const { request } = record;
  return {
    id: record.id,
    runId: record.runId,
    kind: request.guild.kind,
    status: record.status,
    description: request.description,
    action: { name: request.action_request.action, args: request.action_request.args },
    allowed: allowedDecisions(request),
    ...(request.guild.specialist ? { specialist: request.guild.specialist } : {}),
    ...(request.guild.highRisk ? { highRisk: request.guild.highRisk } : {}),
    ...(request.guild.requiresRoles?.length ? { requiresRoles: request.guild.requiresRoles } : {}),
    ...(request.guild.fourEyes ? { fourEyes: true } : {}),
    createdAt: record.createdAt,
    ...(record.decidedAt ? { decidedAt: record.decidedAt } : {}),
    ...(record.decision ? { decision: record.decision } : {}),
    ...(request.guild.reasons?.length ? { reasons: request.guild.reasons } : {}),
    ...(request.guild.context?.length ? { context: request.guild.context } : {}),
    ...(request.guild.violations?.length ? { violations: request.guild.violations } : {}),
    ...(request.guild.title ? { title: request.guild.title } : {}),
    ...(request.guild.shown ? { shown: request.guild.shown } : {}),
    ...(record.expiresAt ? { expiresAt: record.expiresAt } : {}),
    ...(record.escalation ? { escalation: record.escalation } : {}),
  };
}

/** A run in the contract's shape, with its pending approvals. */
export function runView(record: RunRecord, pending: readonly ApprovalRecord[]): Run {
  return {
    id: record.id,
    status: record.status,
    task: record.task,
    pack: record.pack,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.result ? { result: record.result } : {}),
    ...(record.error ? { error: record.error } : {}),
    pendingApprovals: pending.map(approvalView),
    ...(record.usage ? { usage: record.usage } : {}),
    model: record.model,
    ...(record.metadata ? { metadata: record.metadata } : {}),
  };
}

/** A pack as clients see it, with the model each of its members uses. */
export function packView({
  pack,
  model,
  specialistModels,
  tools,
}: Pick<PackEngine, "pack" | "model" | "specialistModels" | "tools">): PackSummary {
  return {
    id: pack.id,
    name: pack.name,
    description: pack.description,
    planApproval: pack.planApproval,
    model,
    specialists: pack.specialists.map((s) => ({
      id: s.id,
      name: s.name,
      description: s.description,
      ...(specialistModels[s.id] ? { model: specialistModels[s.id]! } : {}),
      tools: [
        ...s.tools.map((t) => ({ name: t.name, description: t.description, requiresApproval: t.requiresApproval })),
        ...s.mcpTools.map((name) => mcpToolView(pack, tools, name)),
      ],
      documents: [...s.documents],
    })),
    mcpServers: tools.statuses(),
  };
}

/**
 * An MCP tool as clients see it: as its server described it once listed; before that, by name, and
 * gated unless the pack's policy says otherwise (the server may yet say it only reads).
 */
function mcpToolView(
  pack: PackEngine["pack"],
  tools: PackEngine["tools"],
  name: string,
): PackSummary["specialists"][number]["tools"][number] {
  const known = tools.known(name);
  if (known) return { name, description: known.description, requiresApproval: known.requiresApproval };
  const policy = pack.mcpTools[name];
  const approval = policy?.approval ?? (policy?.kind === "query" ? "never" : undefined);
  return {
    name,
    description: `A tool of the MCP server '${name.split("/")[0]}', described by the server once it has started.`,
    requiresApproval: approval !== "never",
  };
}

/**
 * A lesson as clients see it, from its long-term memory item. One stored before lessons were
 * counted was taught once; before scopes, see `scopeOf`.
 */
export function lessonView(pack: string, item: Item): Lesson {
  const value = item.value as {
    specialist?: unknown;
    tool?: unknown;
    text?: unknown;
    runId?: unknown;
    taught?: unknown;
    editedAt?: unknown;
    firstTaughtAt?: unknown;
  };
  const { scope, case: about } = scopeOf(item.value);
  return {
    id: item.key,
    pack,
    specialist: String(value.specialist ?? "supervisor"),
    ...(typeof value.tool === "string" ? { tool: value.tool } : {}),
    text: String(value.text ?? ""),
    scope,
    ...(about === undefined ? {} : { case: about }),
    ...(typeof value.runId === "string" ? { runId: value.runId } : {}),
    taught: typeof value.taught === "number" ? value.taught : 1,
    createdAt: typeof value.firstTaughtAt === "string" ? value.firstTaughtAt : new Date(item.createdAt).toISOString(),
    updatedAt: new Date(item.updatedAt).toISOString(),
    ...(typeof value.editedAt === "string" ? { editedAt: value.editedAt } : {}),
  };
}
