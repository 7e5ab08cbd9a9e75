import fs from "node:fs";
import path from "node:path";
import { inflateRawSync } from "node:zlib";
import Database from "better-sqlite3";
import pg from "pg";
import { packSchema } from "../../agents/backend/index.ts";
import type { ApprovalStatus, Decision, RunEvent } from "../../server/contract/index.ts";
import type { StoragePlace } from "./storage.ts";

/** What a place holds about effects, read from its databases as an operator would (read-only). */
export interface Ledger {
  payments: { claimId: string; amount: number; payee: string; reference: string }[];
  emails: { claimId: string; to: string; subject: string }[];
  /** The back-end's idempotency records: one per effect that ran. */
  effects: { key: string; tool: string; args: Record<string, unknown> }[];
  /** Every approval of every run, with the call it gates (tool calls only). */
  approvals: {
    id: string;
    runId: string;
    kind: string;
    status: ApprovalStatus;
    callId?: string;
    action: string;
    args: Record<string, unknown>;
    decision?: Decision;
  }[];
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

interface ApprovalRow {
  id: string;
  run_id: string;
  kind: string;
  status: ApprovalStatus;
  request: { action_request: { action: string; args: Record<string, unknown> }; guild: { callId?: string } };
  decision: Decision | null;
}

const toApproval = (row: ApprovalRow): Ledger["approvals"][number] => ({
  id: row.id,
  runId: row.run_id,
  kind: row.kind,
  status: row.status,
  ...(row.request.guild.callId ? { callId: row.request.guild.callId } : {}),
  action: row.request.action_request.action,
  args: row.request.action_request.args,
  ...(row.decision ? { decision: row.decision } : {}),
});

/** A JSON column of the runtime's SQLite file: text, or raw deflate when the value is long. */
const fromColumn = (stored: string | Buffer) => JSON.parse(typeof stored === "string" ? stored : inflateRawSync(stored).toString("utf8"));

/** The same questions on both engines; column names and types as the tests compare them. */
const SQL = {
  payments: 'SELECT claim_id AS "claimId", CAST(amount AS REAL) AS amount, payee, reference FROM payments ORDER BY id',
  emails: 'SELECT claim_id AS "claimId", to_address AS "to", subject FROM email_outbox ORDER BY id',
  effects: "SELECT idempotency_key AS key, tool, args FROM guild_effects ORDER BY at",
  approvals: "SELECT id, run_id, kind, status, request, decision FROM approvals ORDER BY created_at",
};

/**
 * Reads payments, emails and effect records of a claims pack's back-end, and the runtime's
 * approvals, from the SQLite files of a data directory or from the Postgres database, read-only.
 */
export async function readLedger(place: StoragePlace, packId = "insurance-claims"): Promise<Ledger> {
  if (place.databaseUrl) return readPostgresLedger(place.databaseUrl, packId);
  const fromBackend = readOnly(
    path.join(place.dataDir, "packs", `${packId}.sqlite`),
    (db) => {
      // A pack without payments or emails (a test pack) has effects only.
      const has = (table: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
      return {
        payments: has("payments") ? (db.prepare(SQL.payments).all() as Ledger["payments"]) : [],
        emails: has("email_outbox") ? (db.prepare(SQL.emails).all() as Ledger["emails"]) : [],
        effects: (db.prepare(SQL.effects).all() as { key: string; tool: string; args: string }[]).map((e) => ({
          ...e,
          args: JSON.parse(e.args) as Record<string, unknown>,
        })),
      };
    },
    { payments: [], emails: [], effects: [] },
  );
  const approvals = readOnly(
    path.join(place.dataDir, "guild.sqlite"),
    (db) =>
      (db.prepare(SQL.approvals).all() as Record<string, string | Buffer>[]).map((row) =>
        toApproval({
          ...(row as never as ApprovalRow),
          request: fromColumn(row.request!),
          decision: row.decision ? fromColumn(row.decision) : null,
        }),
      ),
    [] as Ledger["approvals"],
  );
  return { ...fromBackend, approvals };
}

async function readPostgresLedger(url: string, packId: string): Promise<Ledger> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const schema = packSchema(packId);
    const exists = (await client.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", [schema])).rowCount! > 0;
    const rows = async <T>(sql: string, searchPath: string): Promise<T[]> => {
      await client.query(`SET search_path TO ${searchPath}`);
      return (await client.query(sql)).rows as T[];
    };
    const has = async (table: string) =>
      (await client.query("SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2", [schema, table]))
        .rowCount! > 0;
    const backend = exists
      ? {
          payments: (await has("payments")) ? await rows<Ledger["payments"][number]>(SQL.payments, schema) : [],
          emails: (await has("email_outbox")) ? await rows<Ledger["emails"][number]>(SQL.emails, schema) : [],
          effects: (await rows<{ key: string; tool: string; args: string | Record<string, unknown> }>(SQL.effects, schema)).map((e) => ({
            ...e,
            args: typeof e.args === "string" ? (JSON.parse(e.args) as Record<string, unknown>) : e.args,
          })),
        }
      : { payments: [], emails: [], effects: [] };
    const guild =
      (await client.query("SELECT 1 FROM information_schema.tables WHERE table_schema = 'guild' AND table_name = 'approvals'")).rowCount! >
      0;
    const approvals = guild ? (await rows<ApprovalRow>(SQL.approvals, "guild")).map(toApproval) : [];
    return { ...backend, approvals };
  } finally {
    await client.end();
  }
}

/**
 * Checks that every effect the back-end recorded was approved: each idempotency key names a
 * tool-call approval of its run that was approved (with the args proposed) or edited (with the
 * args of the edit), for the same tool. Returns the effects that were not, for a precise failure.
 */
export function unapprovedEffects(ledger: Ledger): { key: string; tool: string; why: string }[] {
  const wrong: { key: string; tool: string; why: string }[] = [];
  for (const effect of ledger.effects) {
    const approval = ledger.approvals.find(
      (a) => a.kind === "tool_call" && a.callId !== undefined && effect.key === `${a.runId}:${a.callId}`,
    );
    if (!approval) wrong.push({ key: effect.key, tool: effect.tool, why: "no approval gates this call" });
    else if (approval.action !== effect.tool)
      wrong.push({ key: effect.key, tool: effect.tool, why: `the approval was for ${approval.action}` });
    else if (approval.status !== "approved" && approval.status !== "edited")
      wrong.push({ key: effect.key, tool: effect.tool, why: `the approval is ${approval.status}` });
    else {
      const approvedArgs = approval.status === "edited" && approval.decision?.type === "edit" ? approval.decision.args : approval.args;
      if (JSON.stringify(sorted(approvedArgs)) !== JSON.stringify(sorted(effect.args))) {
        wrong.push({
          key: effect.key,
          tool: effect.tool,
          why: `ran with ${JSON.stringify(effect.args)}, approved ${JSON.stringify(approvedArgs)}`,
        });
      }
    }
  }
  return wrong;
}

const sorted = (value: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));

/** How many `approval.resolved` events each approval has in a run's log. */
export function resolutionsOf(events: readonly RunEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events)
    if (e.type === "approval.resolved") counts.set(String(e.data.approvalId), (counts.get(String(e.data.approvalId)) ?? 0) + 1);
  return counts;
}
