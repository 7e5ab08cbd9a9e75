import type { Logger } from "pino";
import { repeat } from "./repeat.ts";
import type { RunStore } from "./runs/index.ts";
import type { CheckpointMaintenance } from "./storage/index.ts";

/** How long finished runs keep their history; undefined keeps it for ever. */
export interface RetentionPolicy {
  /** Events and checkpoints of a run finished longer ago than this are deleted, and webhook deliveries made longer ago and no longer pending. */
  historyMs?: number | undefined;
  /** The audit trail of a run finished longer ago than this is deleted (never, by default). */
  auditMs?: number | undefined;
}

/** What one pruning deleted. */
export interface Pruned {
  runs: number;
  events: number;
  audit: number;
  /** Webhook deliveries, delivered or given up on. */
  deliveries: number;
}

/** Runs handled per round: a large backlog is pruned in bites, not one long transaction. */
const BATCH = 200;
/** How often a process with a retention prunes on its own. */
const EVERY_MS = 60 * 60 * 1000;

/**
 * Deletes what a finished run keeps once the retention has run out: its events and its last
 * checkpoint (the run itself, its answer, its approvals and, unless `auditMs` says otherwise, its
 * audit trail stay). Checkpoints go first, so a prune cut short leaves nothing unreachable. The
 * webhooks' outbox keeps as long: a delivery made before then goes once it is no longer pending
 * (one still being retried stays until it is delivered or given up on).
 */
export async function prune(
  store: RunStore,
  checkpoints: CheckpointMaintenance,
  policy: RetentionPolicy,
  now = Date.now(),
): Promise<Pruned> {
  const pruned: Pruned = { runs: 0, events: 0, audit: 0, deliveries: 0 };
  if (policy.historyMs !== undefined) {
    const before = new Date(now - policy.historyMs).toISOString();
    for (;;) {
      const runs = await store.finishedWithEvents(before, BATCH);
      if (runs.length === 0) break;
      for (const runId of runs) await checkpoints.remove(runId);
      pruned.events += await store.deleteEvents(runs);
      pruned.runs += runs.length;
    }
    pruned.deliveries = await inBatches(() => store.deleteDeliveries(before, BATCH));
  }
  if (policy.auditMs !== undefined) {
    const before = new Date(now - policy.auditMs).toISOString();
    pruned.audit = await inBatches(() => store.deleteAudit(before, BATCH));
  }
  return pruned;
}

/** Deletes a batch at a time until a batch deletes nothing; returns how many in all. */
async function inBatches(deleteBatch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let deleted = await deleteBatch(); deleted > 0; deleted = await deleteBatch()) total += deleted;
  return total;
}

/** Prunes at start-up and every hour, when a retention is set; returns the timer. */
export function pruneOnSchedule(
  store: RunStore,
  checkpoints: CheckpointMaintenance,
  policy: RetentionPolicy,
  log: Logger,
): NodeJS.Timeout | undefined {
  if (policy.historyMs === undefined && policy.auditMs === undefined) return undefined;
  const once = async () => {
    const pruned = await prune(store, checkpoints, policy);
    if (pruned.runs > 0 || pruned.audit > 0 || pruned.deliveries > 0) log.info(pruned, "pruned finished runs past their retention");
  };
  void once().catch((error: unknown) => log.warn({ err: error }, "could not prune finished runs; trying again later"));
  return repeat(EVERY_MS, once, log, "could not prune finished runs; trying again later");
}
