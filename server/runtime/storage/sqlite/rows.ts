import { deflateRawSync, inflateRawSync } from "node:zlib";
import * as parsed from "../../runs/rows.ts";
import type { ApprovalRecord, RunRecord } from "../../runs/index.ts";
import type { AuditEntry, RunEvent } from "../../../contract/index.ts";

// Rows of the runtime's SQLite tables (see schema.ts): JSON columns as text (or, for the long
// values of a few, deflated: see storedJson), flags as 0 or 1. Each is parsed into the rows both
// engines share, and made a record there.

/** A row as SQLite gives it: what the shared row has as JSON or a flag, here text (or a blob) or a number. */
type Stored<Row, Json extends keyof Row, Flags extends keyof Row = never> = Omit<Row, Json | Flags> & {
  [K in Json]: null extends Row[K] ? string | Buffer | null : string | Buffer;
} & {
  [K in Flags]: number;
};

export type RunRow = Stored<parsed.RunRow, "metadata" | "result" | "error" | "usage" | "model", "plan_approval">;
export type ApprovalRow = Stored<parsed.ApprovalRow, "request" | "decision" | "escalation", "applied">;
export type AuditRow = Omit<Stored<parsed.AuditRow, "args_before" | "args_after">, "reviewer_verified"> & {
  reviewer_verified: number | null;
};
export type EventRow = Stored<parsed.EventRow, "data"> & { id: number };

const json = <T>(stored: string | Buffer | null): T =>
  (stored === null ? null : JSON.parse(typeof stored === "string" ? stored : inflateRawSync(stored).toString("utf8"))) as T;

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
 * Below this many bytes a long-valued JSON column (an event's data, a run's result, an approval's
 * request) is stored as JSON text; at or above it, as a blob of raw deflate: the passages,
 * messages, answers and cards that make most of what a run keeps take about half the space. No
 * query looks inside those columns.
 */
const COMPRESS_FROM_BYTES = 256;

/** JSON as a long-valued column keeps it: the text, or its raw deflate when long. */
export const storedJson = (text: string): string | Buffer => (text.length >= COMPRESS_FROM_BYTES ? deflateRawSync(text) : text);

export const toEvent = (row: EventRow): RunEvent => parsed.toEvent({ ...row, data: json(row.data) });

export const toAuditEntry = (row: AuditRow): AuditEntry =>
  parsed.toAuditEntry({
    ...row,
    args_before: json(row.args_before),
    args_after: json(row.args_after),
    reviewer_verified: row.reviewer_verified === null ? null : row.reviewer_verified === 1,
  });
