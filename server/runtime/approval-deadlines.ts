import type { Logger } from "pino";
import type { Decision } from "../../graphs/index.ts";
import { auditSubject, type AuditLog } from "./audit/index.ts";
import type { EventFeed } from "./feed.ts";
import { repeat } from "./repeat.ts";
import type { ApprovalEscalation, ApprovalRecord, RunStore } from "./runs/index.ts";

/** `86400000` as `24h`, `90000` as `90s`: the largest unit that divides it. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * Tells of an escalation (by a deadline, or at once when feedback rounds ran out): the
 * `approval.escalated` event and its audit entry. Call it in the transaction that escalates.
 */
export function recordEscalation(store: RunStore, audit: AuditLog, approval: ApprovalRecord, escalation: ApprovalEscalation, expiresAt?: string): void {
  const { at, reason, to } = escalation;
  store.appendEvent(approval.runId, "approval.escalated", { approvalId: approval.id, kind: approval.request.guild.kind, reason, ...(to ? { to } : {}), ...(expiresAt ? { expiresAt } : {}) });
  audit.append({ ...auditSubject(approval), event: "escalated", status: "pending", via: "policy", message: `Escalated${to ? ` to ${to}` : ""}: ${reason}`, at });
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
    private readonly audit: AuditLog,
    private readonly feed: EventFeed,
    private readonly resume: (runId: string) => void,
    private readonly log: Logger,
    checkMs: number,
  ) {
    this.timer = repeat(checkMs, () => this.check(), log, "could not check approval deadlines; trying again");
  }

  /** Handles every approval due by now. */
  check(now = Date.now()): void {
    for (const approval of this.store.dueApprovals(new Date(now).toISOString())) {
      const expiry = approval.request.guild.expiry;
      if (expiry?.fallback === "escalate" && !approval.escalation) this.escalate(approval, expiry.afterMs, now, expiry.escalateTo);
      else this.reject(approval, now);
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private escalate(approval: ApprovalRecord, afterMs: number, now: number, to: string | undefined): void {
    const at = new Date(now).toISOString();
    const reason = `nobody decided within ${formatDuration(afterMs)}`;
    const expiresAt = new Date(now + afterMs).toISOString();
    const escalated = this.store.transaction(() => {
      const escalation = { at, reason, ...(to ? { to } : {}) };
      if (!this.store.escalateApproval(approval.id, escalation, expiresAt)) return false;
      recordEscalation(this.store, this.audit, approval, escalation, expiresAt);
      return true;
    });
    this.feed.catchUp();
    if (escalated) this.log.info({ runId: approval.runId, approvalId: approval.id, to }, "approval escalated");
  }

  private reject(approval: ApprovalRecord, now: number): void {
    const at = new Date(now).toISOString();
    const waited = formatDuration(Date.parse(approval.expiresAt!) - Date.parse(approval.escalation?.at ?? approval.createdAt));
    const decision: Decision = { type: "reject", message: `No reviewer decided within ${waited}${approval.escalation ? " of the escalation" : ""}: rejected by the pack's policy.` };
    const expired = this.store.transaction(() => {
      if (!this.store.decideApproval(approval.id, "expired", decision, at)) return false;
      const { kind } = approval.request.guild;
      this.store.appendEvent(approval.runId, "approval.resolved", { approvalId: approval.id, kind, status: "expired", decision, reason: "deadline" });
      this.audit.append({ ...auditSubject(approval), event: "expired", decision: "reject", status: "expired", via: "policy", message: decision.message, at });
      return true;
    });
    this.feed.catchUp();
    if (!expired) return;
    this.log.info({ runId: approval.runId, approvalId: approval.id }, "approval expired: rejected by policy");
    this.resume(approval.runId);
  }
}
