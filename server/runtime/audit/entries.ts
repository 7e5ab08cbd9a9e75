import type { Decision } from "../../../graphs/index.ts";
import type { AuditEntry } from "../../contract/index.ts";
import type { ApprovalRecord } from "../runs/index.ts";

/** What a reviewer's decision adds to its audit entry: the type, who, the arguments it goes ahead with, the message. */
export function auditOfDecision(
  approval: ApprovalRecord,
  decision: Decision,
): Pick<AuditEntry, "decision" | "reviewer" | "argsAfter" | "message" | "redirectTo"> {
  const argsAfter =
    decision.type === "edit" ? decision.args : decision.type === "approve" ? approval.request.action_request.args : undefined;
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
