import type { ApprovalStatus, AuditEntry, RunEvent, RunStatus } from "../../contract/index.ts";
import type { ApprovalRecord, RunRecord } from "./types.ts";

// Rows of the runtime's tables as both engines read them (JSON columns parsed, flags as booleans,
// instants as ISO strings), and the records made from them. Postgres rows arrive in this shape
// (see storage/postgres/pool.ts); SQLite's are parsed into it (storage/sqlite/rows.ts).

export interface RunRow {
  id: string;
  status: RunStatus;
  task: string;
  pack: string;
  tenant: string;
  created_by: string | null;
  plan_approval: boolean;
  metadata: Record<string, unknown> | null;
  result: RunRecord["result"] | null;
  error: RunRecord["error"] | null;
  usage: RunRecord["usage"] | null;
  model: RunRecord["model"];
  created_at: string;
  updated_at: string;
}

export interface ApprovalRow {
  id: string;
  run_id: string;
  interrupt_id: string;
  status: ApprovalStatus;
  request: ApprovalRecord["request"];
  decision: ApprovalRecord["decision"] | null;
  applied: boolean;
  created_at: string;
  decided_at: string | null;
  expires_at: string | null;
  escalation: ApprovalRecord["escalation"] | null;
}

export interface EventRow {
  run_id: string;
  seq: number;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

export interface AuditRow {
  id: number;
  run_id: string;
  approval_id: string;
  kind: AuditEntry["kind"];
  action: string;
  event: AuditEntry["event"];
  decision: AuditEntry["decision"] | null;
  status: AuditEntry["status"];
  reviewer: string | null;
  reviewer_id: string | null;
  reviewer_verified: boolean | null;
  via: AuditEntry["via"];
  args_before: Record<string, unknown>;
  args_after: Record<string, unknown> | null;
  message: string | null;
  redirect_to: string | null;
  at: string;
}

export const toRun = (row: RunRow): RunRecord => ({
  id: row.id,
  status: row.status,
  task: row.task,
  pack: row.pack,
  tenant: row.tenant,
  ...(row.created_by ? { createdBy: row.created_by } : {}),
  planApproval: row.plan_approval,
  ...(row.metadata ? { metadata: row.metadata } : {}),
  ...(row.result ? { result: row.result } : {}),
  ...(row.error ? { error: row.error } : {}),
  ...(row.usage ? { usage: row.usage } : {}),
  model: row.model,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const toApproval = (row: ApprovalRow): ApprovalRecord => ({
  id: row.id,
  runId: row.run_id,
  interruptId: row.interrupt_id,
  status: row.status,
  request: row.request,
  ...(row.decision ? { decision: row.decision } : {}),
  applied: row.applied,
  createdAt: row.created_at,
  ...(row.decided_at ? { decidedAt: row.decided_at } : {}),
  ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
  ...(row.escalation ? { escalation: row.escalation } : {}),
});

/** An event as stored: its type and data are what `appendEvent` was given for that type. */
export const toEvent = (row: EventRow): RunEvent =>
  ({ seq: row.seq, runId: row.run_id, type: row.type, at: row.at, data: row.data }) as RunEvent;

export const toAuditEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  runId: row.run_id,
  approvalId: row.approval_id,
  kind: row.kind,
  action: row.action,
  event: row.event,
  ...(row.decision ? { decision: row.decision } : {}),
  status: row.status,
  ...(row.reviewer ? { reviewer: row.reviewer } : {}),
  ...(row.reviewer_id ? { reviewerId: row.reviewer_id } : {}),
  ...(row.reviewer_verified !== null && row.reviewer_verified !== undefined ? { reviewerVerified: row.reviewer_verified } : {}),
  via: row.via,
  argsBefore: row.args_before,
  ...(row.args_after ? { argsAfter: row.args_after } : {}),
  ...(row.message ? { message: row.message } : {}),
  ...(row.redirect_to ? { redirectTo: row.redirect_to } : {}),
  at: row.at,
});
