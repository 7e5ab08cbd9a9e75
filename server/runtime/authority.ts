import { GuildError } from "../../agents/errors/index.ts";
import { approvalId, type Decision } from "../../graphs/index.ts";
import { requireRole } from "../auth/index.ts";
import type { Principal } from "../contract/index.ts";
import type { ApprovalRecord, RunRecord, RunStore } from "./runs/index.ts";

/** The suffix the tool node gives a call it asks again after an edit (graphs/nodes/tools.ts). */
const EDITED = ".edited";

/** The approval whose edit a re-asked call comes from, if it is one. */
function editedFrom(record: ApprovalRecord): string | undefined {
  const callId = record.request.guild.callId;
  if (!callId?.endsWith(EDITED)) return undefined;
  return approvalId(record.runId, `call:${callId.slice(0, -EDITED.length)}`);
}

/**
 * Whether this principal may make this decision, beyond being a reviewer of the run's tenant: a
 * decision that lets the call go ahead (approve, edit) needs the roles the policy requires, and
 * with four eyes, neither the call's editor (on its re-ask) nor, when it is high risk, the run's
 * starter may make it. Rejecting, sending back and redirecting stay open to any reviewer. In the
 * loopback development mode nobody is verified, so four eyes cannot tell people apart: it is off.
 * Throws `missing_role` or `four_eyes` (403).
 */
export async function checkAuthority(
  store: RunStore,
  record: ApprovalRecord,
  run: RunRecord,
  who: Principal,
  decision: Decision,
): Promise<void> {
  if (decision.type !== "approve" && decision.type !== "edit") return;
  const { guild } = record.request;
  for (const role of guild.requiresRoles ?? [])
    requireRole(who, role, `${decision.type} this ${record.request.action_request.action} call (the policy requires '${role}')`);
  if (!guild.fourEyes || !who.verified) return;
  if (guild.highRisk && run.createdBy === who.id) {
    throw new GuildError(
      "four_eyes",
      `four eyes: ${who.id} started this run, so another reviewer must ${decision.type} its high-risk ${record.request.action_request.action}`,
      {
        details: { rule: "started_run", principal: who.id },
      },
    );
  }
  const original = editedFrom(record);
  if (!original) return;
  const editors = (await store.auditTrail(record.runId))
    .filter((e) => e.approvalId === original && e.decision === "edit")
    .map((e) => e.reviewerId);
  if (editors.includes(who.id)) {
    throw new GuildError("four_eyes", `four eyes: ${who.id} edited this call, so another reviewer must ${decision.type} the edit`, {
      details: { rule: "edited_call", principal: who.id },
    });
  }
}
