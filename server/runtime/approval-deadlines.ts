import type { Logger } from "pino";
import type { Decision } from "../../graphs/index.ts";
import { auditSubject } from "./audit/index.ts";
import type { EventFeed } from "./feed.ts";
import { repeat } from "./repeat.ts";
import type { ApprovalEscalation, ApprovalRecord, RunStore, RunStoreTx } from "./runs/index.ts";

/** `86400000` as `24h`, `90000` as `90s`: the largest unit that divides it. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * Tells of an escalation (by a deadline, or at once when feedback rounds ran out): the
 * `approval.escalated` event and its audit entry. Call it in the transaction that escalates.
 */
export async function recordEscalation(
  tx: RunStoreTx,
  approval: ApprovalRecord,
  escalation: ApprovalEscalation,
  expiresAt?: string,
): Promise<void> {
  const { at, reason, to } = escalation;
  await tx.appendEvent(approval.runId, "approval.escalated", {
    approvalId: approval.id,
    kind: approval.request.guild.kind,
    reason,
    ...(to ? { to } : {}),
    ...(expiresAt ? { expiresAt } : {}),
  });
  await tx.appendAudit({
    ...auditSubject(approval),
    event: "escalated",
    status: "pending",
    via: "policy",
    message: `Escalated${to ? ` to ${to}` : ""}: ${reason}`,
    at,
  });
}

/**
 * Applies the policy's fallback to approvals nobody decided in time: `reject` rejects, `escalate`
 * escalates once (an `approval.escalated` event, a new deadline) and rejects at the next deadline.
 * Deadlines live in the database, so an approval that fell due while no server ran is handled at
 * the next start; each change is a compare-and-set, so one process applies it.
 */
export class ApprovalDeadlines {
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly feed: EventFeed,
    private readonly resume: (runId: string) => void,
    private readonly log: Logger,
    checkMs: number,
  ) {
    this.timer = repeat(checkMs, () => this.check(), log, "could not check approval deadlines; trying again");
  }

  /** Handles every approval due by now. */
  async check(now = Date.now()): Promise<void> {
    for (const approval of await this.store.dueApprovals(new Date(now).toISOString())) {
      const expiry = approval.request.guild.expiry;
      if (expiry?.fallback === "escalate" && !approval.escalation) await this.escalate(approval, expiry.afterMs, now, expiry.escalateTo);
      else await this.reject(approval, now);
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async escalate(approval: ApprovalRecord, afterMs: number, now: number, to: string | undefined): Promise<void> {
    const at = new Date(now).toISOString();
    const reason = `nobody decided within ${formatDuration(afterMs)}`;
    const expiresAt = new Date(now + afterMs).toISOString();
    const escalated = await this.store.transaction(async (tx) => {
      const escalation = { at, reason, ...(to ? { to } : {}) };
      if (!(await tx.escalateApproval(approval.id, escalation, expiresAt))) return false;
      await recordEscalation(tx, approval, escalation, expiresAt);
      return true;
    });
    await this.feed.catchUp();
    if (escalated) this.log.info({ runId: approval.runId, approvalId: approval.id, to }, "approval escalated");
  }

  private async reject(approval: ApprovalRecord, now: number): Promise<void> {
    const at = new Date(now).toISOString();
    const waited = formatDuration(Date.parse(approval.expiresAt!) - Date.parse(approval.escalation?.at ?? approval.createdAt));
    const decision: Decision = {
      type: "reject",
      message: `No reviewer decided within ${waited}${approval.escalation ? " of the escalation" : ""}: rejected by the pack's policy.`,
    };
    const expired = await this.store.transaction(async (tx) => {
      if (!(await tx.decideApproval(approval.id, "expired", decision, at))) return false;
      const { kind } = approval.request.guild;
      await tx.appendEvent(approval.runId, "approval.resolved", {
        approvalId: approval.id,
        kind,
        status: "expired",
        decision,
        reason: "deadline",
      });
      await tx.appendAudit({
        ...auditSubject(approval),
        event: "expired",
        decision: "reject",
        status: "expired",
        via: "policy",
        message: decision.message,
        at,
      });
      return true;
    });
    await this.feed.catchUp();
    if (!expired) return;
    this.log.info({ runId: approval.runId, approvalId: approval.id }, "approval expired: rejected by policy");
    this.resume(approval.runId);
  }
}
