import type Database from "better-sqlite3";
import type { Decision } from "../../../graphs/index.ts";
import type { AuditEntry } from "../../contract/index.ts";
import type { ApprovalRecord } from "../runs/index.ts";

interface AuditRow {
  id: number;
  run_id: string;
  approval_id: string;
  kind: AuditEntry["kind"];
  action: string;
  event: AuditEntry["event"];
  decision: AuditEntry["decision"] | null;
  status: AuditEntry["status"];
  reviewer: string | null;
  via: AuditEntry["via"];
  args_before: string;
  args_after: string | null;
  message: string | null;
  redirect_to: string | null;
  at: string;
}

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  runId: row.run_id,
  approvalId: row.approval_id,
  kind: row.kind,
  action: row.action,
  event: row.event,
  ...(row.decision ? { decision: row.decision } : {}),
  status: row.status,
  ...(row.reviewer ? { reviewer: row.reviewer } : {}),
  via: row.via,
  argsBefore: JSON.parse(row.args_before),
  ...(row.args_after ? { argsAfter: JSON.parse(row.args_after) } : {}),
  ...(row.message ? { message: row.message } : {}),
  ...(row.redirect_to ? { redirectTo: row.redirect_to } : {}),
  at: row.at,
});

/**
 * The audit trail: every change of an approval's state (a reviewer's decision, an expiry, an
 * escalation), append-only, written in the transaction that makes the change.
 */
export class AuditLog {
  private readonly insert;
  private readonly list;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO audit (run_id, approval_id, kind, action, event, decision, status, reviewer, via, args_before, args_after, message, redirect_to, at)
       VALUES (@runId, @approvalId, @kind, @action, @event, @decision, @status, @reviewer, @via, @argsBefore, @argsAfter, @message, @redirectTo, @at)`,
    );
    this.list = db.prepare<[string], AuditRow>("SELECT * FROM audit WHERE run_id = ? ORDER BY id");
  }

  append(entry: Omit<AuditEntry, "id">): void {
    this.insert.run({
      ...entry,
      decision: entry.decision ?? null,
      reviewer: entry.reviewer ?? null,
      argsBefore: JSON.stringify(entry.argsBefore),
      argsAfter: entry.argsAfter ? JSON.stringify(entry.argsAfter) : null,
      message: entry.message ?? null,
      redirectTo: entry.redirectTo ?? null,
    });
  }

  forRun(runId: string): AuditEntry[] {
    return this.list.all(runId).map(toEntry);
  }
}

/** What a reviewer's decision adds to its audit entry: the type, who, the arguments it goes ahead with, the message. */
export function auditOfDecision(approval: ApprovalRecord, decision: Decision): Pick<AuditEntry, "decision" | "reviewer" | "argsAfter" | "message" | "redirectTo"> {
  const argsAfter = decision.type === "edit" ? decision.args : decision.type === "approve" ? approval.request.action_request.args : undefined;
  const message = "message" in decision ? decision.message : undefined;
  return {
    decision: decision.type,
    ...(decision.reviewer ? { reviewer: decision.reviewer } : {}),
    ...(argsAfter ? { argsAfter } : {}),
    ...(message ? { message } : {}),
    ...(decision.type === "redirect" ? { redirectTo: decision.specialist } : {}),
  };
}

/** What every audit entry of an approval repeats: its run, kind, action and proposed arguments. */
export function auditSubject(approval: ApprovalRecord) {
  return {
    runId: approval.runId,
    approvalId: approval.id,
    kind: approval.request.guild.kind,
    action: approval.request.action_request.action,
    argsBefore: approval.request.action_request.args,
  };
}
