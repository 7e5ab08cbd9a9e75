import { deflateRawSync, inflateRawSync } from "node:zlib";
import * as parsed from "../../runs/rows.ts";
import type { ApprovalRecord, RunRecord } from "../../runs/index.ts";
import type { AuditEntry, RunEvent } from "../../../contract/index.ts";

// Rows of the runtime's SQLite tables (see schema.ts): JSON columns as text, flags as 0 or 1.
// Each is parsed into the rows both engines share, and made a record there.

/** A row as SQLite gives it: what the shared row has as JSON or a flag, here text or a number. */
type Stored<Row, Json extends keyof Row, Flags extends keyof Row = never> = Omit<Row, Json | Flags> & {
  [K in Json]: null extends Row[K] ? string | null : string;
} & {
  [K in Flags]: number;
};

export type RunRow = Stored<parsed.RunRow, "metadata" | "result" | "error" | "usage" | "model", "plan_approval">;
export type ApprovalRow = Stored<parsed.ApprovalRow, "request" | "decision" | "escalation", "applied">;
export type AuditRow = Omit<Stored<parsed.AuditRow, "args_before" | "args_after">, "reviewer_verified"> & {
  reviewer_verified: number | null;
};
export type EventRow = Omit<Stored<parsed.EventRow, "data">, "data"> & { id: number; data: string | Buffer };

const json = <T>(text: string | null): T => (text === null ? null : JSON.parse(text)) as T;

export const toRun = (row: RunRow): RunRecord =>
  parsed.toRun({
    ...row,
    plan_approval: row.plan_approval === 1,
    metadata: json(row.metadata),
    result: json(row.result),
    error: json(row.error),
    usage: json(row.usage),
    model: json(row.model),
  });

export const toApproval = (row: ApprovalRow): ApprovalRecord =>
  parsed.toApproval({
    ...row,
    applied: row.applied === 1,
    request: json(row.request),
    decision: json(row.decision),
    escalation: json(row.escalation),
  });

/**
 * Below this many bytes an event's data is stored as JSON text; at or above it, as a blob of raw
 * deflate (the passages, messages and answers that make most of a run's log: about half the size).
 */
const COMPRESS_FROM_BYTES = 256;

/** An event's data as the `events.data` column keeps it: JSON text, or its raw deflate when long. */
export const storedEventData = (text: string): string | Buffer => (text.length >= COMPRESS_FROM_BYTES ? deflateRawSync(text) : text);

export const toEvent = (row: EventRow): RunEvent =>
  parsed.toEvent({ ...row, data: json(typeof row.data === "string" ? row.data : inflateRawSync(row.data).toString("utf8")) });

export const toAuditEntry = (row: AuditRow): AuditEntry =>
  parsed.toAuditEntry({
    ...row,
    args_before: json(row.args_before),
    args_after: json(row.args_after),
    reviewer_verified: row.reviewer_verified === null ? null : row.reviewer_verified === 1,
  });
