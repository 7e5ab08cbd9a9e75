import type { ApprovalRequest, Decision } from "../../../graphs/index.ts";
import type { ApprovalStatus, RunEvent, RunStatus, RunUsage } from "../../contract/index.ts";

/** A run as stored. */
export interface RunRecord {
  id: string;
  status: RunStatus;
  task: string;
  pack: string;
  planApproval: boolean;
  metadata?: Record<string, unknown>;
  result?: { answer: string; citations: { source: string; excerpt: string }[] };
  error?: { code: string; message: string; details?: unknown };
  usage?: RunUsage;
  model: { provider: string; name: string };
  createdAt: string;
  updatedAt: string;
}

/** An event with its place in the global order of storing, which the feed follows across processes. */
export interface StoredEvent {
  id: number;
  event: RunEvent;
}

/** An approval as stored: the graph's request, and the decision once made. */
export interface ApprovalRecord {
  id: string;
  runId: string;
  interruptId: string;
  status: ApprovalStatus;
  request: ApprovalRequest;
  decision?: Decision;
  /** Whether the graph has consumed the decision. */
  applied: boolean;
  createdAt: string;
  decidedAt?: string;
  /** When the policy's fallback applies if nobody has decided by then. */
  expiresAt?: string;
  /** Set once the approval has been escalated. */
  escalation?: ApprovalEscalation;
}

/** An escalation: when, why, and to whom. */
export interface ApprovalEscalation {
  at: string;
  reason: string;
  to?: string;
}

export interface RunPatch {
  status?: RunStatus;
  result?: RunRecord["result"];
  error?: RunRecord["error"];
  usage?: RunRecord["usage"];
}

/**
 * Durable runs, their numbered event logs and their approvals. The SQLite implementation is the
 * embedded default; a Postgres one is the planned scale-out path.
 */
export interface RunStore {
  createRun(run: Omit<RunRecord, "createdAt" | "updatedAt">): RunRecord;
  getRun(id: string): RunRecord | undefined;
  listRuns(filter: { status?: RunStatus; limit: number }): RunRecord[];
  /**
   * Applies the patch unless the run has finished (compare-and-set on the status), so that a
   * cancelled or finished run is never brought back. Undefined when nothing changed.
   */
  updateRun(id: string, patch: RunPatch): RunRecord | undefined;
  /** Runs `fn` in one transaction: a state change and the event that tells of it land together. */
  transaction<T>(fn: () => T): T;
  /** Takes or renews the lease on a run for `owner`; false when another live owner holds it. */
  acquireLease(id: string, owner: string, until: number): boolean;
  releaseLease(id: string, owner: string): void;
  /** Runs that need an owner: unfinished, with no live lease. */
  orphanedRuns(now: number): RunRecord[];
  /** Appends an event with the run's next seq, in one transaction. */
  appendEvent(runId: string, type: string, data: Record<string, unknown>): RunEvent;
  listEvents(runId: string, afterSeq: number, limit?: number): RunEvent[];
  lastSeq(runId: string): number;
  /**
   * Events of every run stored after the global id, in the order they were stored. Ids must rise
   * in commit order (SQLite's single writer gives that; a Postgres store needs its own scheme).
   */
  eventsAfterId(id: number, limit: number): StoredEvent[];
  lastEventId(): number;
  /** The run an `Idempotency-Key` created, a hash of the request that created it, and when. */
  findIdempotencyKey(key: string): { requestHash: string; runId: string; createdAt: string } | undefined;
  /** Stores a key, replacing an expired one. */
  saveIdempotencyKey(key: string, requestHash: string, runId: string): void;
  /** Stores an approval the first time the graph asks it; returns the record and whether it is new. */
  upsertApproval(approval: { id: string; runId: string; interruptId: string; request: ApprovalRequest }): { record: ApprovalRecord; created: boolean };
  getApproval(id: string): ApprovalRecord | undefined;
  /** Oldest first; `runIds` lists the approvals of several runs in one read. */
  listApprovals(filter: { status?: ApprovalStatus; runId?: string; runIds?: readonly string[]; limit?: number }): ApprovalRecord[];
  /** Compare-and-set from pending, only while its run is unfinished; false otherwise. */
  decideApproval(id: string, status: ApprovalStatus, decision: Decision | undefined, at: string): boolean;
  /** Marks a pending approval expired (its run ended); false when it was no longer pending. */
  expireApproval(id: string, at: string): boolean;
  /** Pending approvals whose deadline is at or before `now` (ISO time), soonest first. */
  dueApprovals(now: string): ApprovalRecord[];
  /** Escalates a pending approval once (compare-and-set), with its next deadline; false when it was not pending or already escalated. */
  escalateApproval(id: string, escalation: ApprovalEscalation, expiresAt: string | undefined): boolean;
  markApplied(ids: readonly string[]): void;
  close(): void;
}
