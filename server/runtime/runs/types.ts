import type { ApprovalRequest, Decision } from "../../../graphs/index.ts";
import type { ApprovalStatus, AuditEntry, RunEvent, RunEventData, RunEventType, RunStatus, RunUsage } from "../../contract/index.ts";
import type { DeliveryPatch, DeliveryRecord, WebhookRecord } from "./webhook-types.ts";

/** A run about to be stored: without a tenant, the default tenant's. */
export type NewRun = Omit<RunRecord, "createdAt" | "updatedAt" | "tenant"> & { tenant?: string };

/** A run as stored. */
export interface RunRecord {
  id: string;
  status: RunStatus;
  task: string;
  pack: string;
  /** Whose run it is: only principals of this tenant see it, its events and approvals. */
  tenant: string;
  /** The id of the principal that started it (four-eyes: it may not approve its high-risk effects). */
  createdBy?: string;
  planApproval: boolean;
  metadata?: Record<string, unknown>;
  result?: { answer: string; citations: { source: string; excerpt: string }[] };
  error?: { code: string; message: string; details?: unknown };
  usage?: RunUsage;
  model: { provider: string; name: string };
  createdAt: string;
  updatedAt: string;
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

/** Which approvals to list. */
export interface ApprovalFilter {
  status?: ApprovalStatus;
  runId?: string;
  runIds?: readonly string[];
  tenant?: string;
  /** Only approvals after this one, in the list's order (a page's cursor). */
  after?: string;
  limit?: number;
}

export interface RunPatch {
  status?: RunStatus;
  result?: RunRecord["result"];
  error?: RunRecord["error"];
  usage?: RunRecord["usage"];
}

/** Where a reader of the feed (every run's events, see `RunStore.eventsAfter`) has got to; opaque. */
export type FeedCursor = string;

/** What a transaction of the store can do: the same port, bound to one transaction. */
export type RunStoreTx = Omit<RunStore, "transaction" | "close" | "kind">;

/**
 * Durable runs, their numbered event logs, their approvals and the audit trail. Every method is
 * async; the SQLite implementation is the embedded default and the Postgres one is for several
 * processes sharing one database. Nothing above this port knows which engine it has.
 */
export interface RunStore {
  readonly kind: "sqlite" | "postgres";
  createRun(run: NewRun): Promise<RunRecord>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Newest first; `tenant`: only that tenant's. */
  listRuns(filter: { status?: RunStatus; tenant?: string; limit: number }): Promise<RunRecord[]>;
  /**
   * Applies the patch unless the run has finished (compare-and-set on the status), so that a
   * cancelled or finished run is never brought back. Undefined when nothing changed.
   */
  updateRun(id: string, patch: RunPatch): Promise<RunRecord | undefined>;
  /**
   * Runs `work` in one transaction, with the store bound to it (`tx`): a state change and the
   * event that tells of it land together. Inside, use only `tx`.
   * @example await store.transaction(async (tx) => { await tx.updateRun(id, patch); await tx.appendEvent(id, "run.started", {}); });
   */
  transaction<T>(work: (tx: RunStoreTx) => Promise<T>): Promise<T>;
  /**
   * Takes or renews the lease on a run for `owner`, for `leaseMs` by the database's clock; false
   * when another owner's lease is still live.
   */
  acquireLease(id: string, owner: string, leaseMs: number): Promise<boolean>;
  releaseLease(id: string, owner: string): Promise<void>;
  /** Runs that need an owner: unfinished (or decided and not yet resumed), with no live lease; oldest first. */
  orphanedRuns(): Promise<RunRecord[]>;
  /**
   * Appends an event with the run's next seq (one higher than the last, never a gap). An event a
   * webhook of the run's tenant (or of the run) asks for puts a delivery in the outbox, in the
   * same transaction.
   */
  appendEvent<T extends RunEventType>(runId: string, type: T, data: RunEventData[T]): Promise<RunEvent<T>>;
  createWebhook(webhook: WebhookRecord): Promise<void>;
  /** A tenant's webhooks (not deleted), oldest first. */
  listWebhooks(tenant: string): Promise<WebhookRecord[]>;
  getWebhook(id: string): Promise<WebhookRecord | undefined>;
  /** Deletes a webhook and drops its pending deliveries; false when it was not there. */
  deleteWebhook(id: string): Promise<boolean>;
  /** A webhook's deliveries, newest first. */
  listDeliveries(webhookId: string, limit: number): Promise<DeliveryRecord[]>;
  /** Pending deliveries due at `now` (epoch ms), soonest first, with their webhook. */
  dueDeliveries(now: number, limit: number): Promise<{ delivery: DeliveryRecord; webhook: WebhookRecord }[]>;
  /** Takes a due delivery for an attempt until `until` (compare-and-set, so one process sends it); false when another took it. */
  claimDelivery(id: string, now: number, until: number): Promise<boolean>;
  /** Records an attempt's outcome. */
  settleDelivery(id: string, patch: DeliveryPatch): Promise<void>;
  /** Deletes at most `limit` deliveries made before `before` (ISO time) that are no longer pending; returns how many. */
  deleteDeliveries(before: string, limit: number): Promise<number>;
  listEvents(runId: string, afterSeq: number, limit?: number): Promise<RunEvent[]>;
  lastSeq(runId: string): Promise<number>;
  /**
   * The feed: events of every run stored after `cursor`, at most `limit`, and the cursor after
   * them. An event committed late (after events committed by other transactions) is never skipped:
   * each engine orders the feed so that nothing can still commit before the cursor. `waiting`:
   * events are stored past the cursor that cannot be read yet (a transaction before them is still
   * open); read again shortly.
   */
  eventsAfter(cursor: FeedCursor, limit: number): Promise<{ events: RunEvent[]; cursor: FeedCursor; waiting: boolean }>;
  /** The cursor of a reader that starts now: what is stored already counts as read. */
  feedHead(): Promise<FeedCursor>;
  /** The run an `Idempotency-Key` created, a hash of the request that created it, and when. */
  findIdempotencyKey(key: string): Promise<{ requestHash: string; runId: string; createdAt: string } | undefined>;
  /** Stores a key, replacing an expired one. */
  saveIdempotencyKey(key: string, requestHash: string, runId: string): Promise<void>;
  /** Stores an approval the first time the graph asks it; returns the record and whether it is new. */
  upsertApproval(approval: {
    id: string;
    runId: string;
    interruptId: string;
    request: ApprovalRequest;
  }): Promise<{ record: ApprovalRecord; created: boolean }>;
  getApproval(id: string): Promise<ApprovalRecord | undefined>;
  /** Oldest first; `runIds` lists the approvals of several runs in one read; `tenant`: only of that tenant's runs. */
  listApprovals(filter: ApprovalFilter): Promise<ApprovalRecord[]>;
  /** Compare-and-set from pending, only while its run is unfinished; false otherwise. */
  decideApproval(id: string, status: ApprovalStatus, decision: Decision | undefined, at: string): Promise<boolean>;
  /** Marks a pending approval expired (its run ended); false when it was no longer pending. */
  expireApproval(id: string, at: string): Promise<boolean>;
  /** Pending approvals whose deadline is at or before `now` (ISO time), soonest first. */
  dueApprovals(now: string): Promise<ApprovalRecord[]>;
  /** Escalates a pending approval once (compare-and-set), with its next deadline; false when it was not pending or already escalated. */
  escalateApproval(id: string, escalation: ApprovalEscalation, expiresAt: string | undefined): Promise<boolean>;
  markApplied(ids: readonly string[]): Promise<void>;
  /** Appends to the audit trail; call it in the transaction that makes the change it records. */
  appendAudit(entry: Omit<AuditEntry, "id">): Promise<void>;
  /** The run's audit trail, oldest first. */
  auditTrail(runId: string): Promise<AuditEntry[]>;
  /** How many runs there are of each status, and pending approvals of each kind (for metrics). */
  counts(): Promise<{ runs: Partial<Record<RunStatus, number>>; pendingApprovals: Partial<Record<string, number>> }>;
  /** Finished runs last changed before `before` (ISO time) that still keep events, oldest first. */
  finishedWithEvents(before: string, limit: number): Promise<string[]>;
  /** Deletes the event logs of these runs (the runs, their approvals and their audit stay); returns how many events. */
  deleteEvents(runIds: readonly string[]): Promise<number>;
  /** Deletes the audit trail of finished runs last changed before `before`, at most `limit` runs' worth; returns how many entries. */
  deleteAudit(before: string, limit: number): Promise<number>;
  /**
   * Tells every process sharing the database that the run has work to pick up (it was created, or
   * decided), when the transaction commits. Engines whose processes cannot be told (SQLite) do
   * nothing: their processes look for work on a timer.
   */
  signalWork(runId: string): Promise<void>;
  close(): Promise<void>;
}
