import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { ApprovalStatus, Decision, RunEvent } from "../../server/contract/index.ts";

/** What a data directory holds about effects, read from the files as an operator would (read-only). */
export interface Ledger {
  payments: { claimId: string; amount: number; payee: string; reference: string }[];
  emails: { claimId: string; to: string; subject: string }[];
  /** The back-end's idempotency records: one per effect that ran. */
  effects: { key: string; tool: string; args: Record<string, unknown> }[];
  /** Every approval of every run, with the call it gates (tool calls only). */
  approvals: { id: string; runId: string; kind: string; status: ApprovalStatus; callId?: string; action: string; args: Record<string, unknown>; decision?: Decision }[];
}

function readOnly<T>(file: string, read: (db: Database.Database) => T, empty: T): T {
  if (!fs.existsSync(file)) return empty;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Reads payments, emails and effect records of a claims pack's back-end, and the runtime's approvals. */
export function readLedger(dataDir: string, packId = "insurance-claims"): Ledger {
  const backend = path.join(dataDir, "packs", `${packId}.sqlite`);
  const fromBackend = readOnly(
    backend,
    (db) => ({
      payments: db.prepare("SELECT claim_id AS claimId, amount, payee, reference FROM payments ORDER BY id").all() as Ledger["payments"],
      emails: db.prepare("SELECT claim_id AS claimId, to_address AS \"to\", subject FROM email_outbox ORDER BY id").all() as Ledger["emails"],
      effects: (db.prepare("SELECT idempotency_key AS key, tool, args FROM guild_effects ORDER BY at").all() as { key: string; tool: string; args: string }[]).map((e) => ({
        ...e,
        args: JSON.parse(e.args) as Record<string, unknown>,
      })),
    }),
    { payments: [], emails: [], effects: [] },
  );
  const approvals = readOnly(
    path.join(dataDir, "guild.sqlite"),
    (db) =>
      (db.prepare("SELECT id, run_id, kind, status, request, decision FROM approvals ORDER BY created_at").all() as Record<string, string>[]).map((row) => {
        const request = JSON.parse(row.request!) as { action_request: { action: string; args: Record<string, unknown> }; guild: { callId?: string } };
        return {
          id: row.id!,
          runId: row.run_id!,
          kind: row.kind!,
          status: row.status as ApprovalStatus,
          ...(request.guild.callId ? { callId: request.guild.callId } : {}),
          action: request.action_request.action,
          args: request.action_request.args,
          ...(row.decision ? { decision: JSON.parse(row.decision) as Decision } : {}),
        };
      }),
    [] as Ledger["approvals"],
  );
  return { ...fromBackend, approvals };
}

/**
 * Checks that every effect the back-end recorded was approved: each idempotency key names a
 * tool-call approval of its run that was approved (with the args proposed) or edited (with the
 * args of the edit), for the same tool. Returns the effects that were not, for a precise failure.
 */
export function unapprovedEffects(ledger: Ledger): { key: string; tool: string; why: string }[] {
  const wrong: { key: string; tool: string; why: string }[] = [];
  for (const effect of ledger.effects) {
    const approval = ledger.approvals.find((a) => a.kind === "tool_call" && a.callId !== undefined && effect.key === `${a.runId}:${a.callId}`);
    if (!approval) wrong.push({ key: effect.key, tool: effect.tool, why: "no approval gates this call" });
    else if (approval.action !== effect.tool) wrong.push({ key: effect.key, tool: effect.tool, why: `the approval was for ${approval.action}` });
    else if (approval.status !== "approved" && approval.status !== "edited") wrong.push({ key: effect.key, tool: effect.tool, why: `the approval is ${approval.status}` });
    else {
      const approvedArgs = approval.status === "edited" && approval.decision?.type === "edit" ? approval.decision.args : approval.args;
      if (JSON.stringify(sorted(approvedArgs)) !== JSON.stringify(sorted(effect.args))) {
        wrong.push({ key: effect.key, tool: effect.tool, why: `ran with ${JSON.stringify(effect.args)}, approved ${JSON.stringify(approvedArgs)}` });
      }
    }
  }
  return wrong;
}

const sorted = (value: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));

/** How many `approval.resolved` events each approval has in a run's log. */
export function resolutionsOf(events: readonly RunEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) if (e.type === "approval.resolved") counts.set(String(e.data.approvalId), (counts.get(String(e.data.approvalId)) ?? 0) + 1);
  return counts;
}
