import type { RunStoreTx } from "./types.ts";

/** The store's operations as an engine implements them: synchronously (better-sqlite3) or not (pg). */
export type RunTables = {
  [K in keyof RunStoreTx]: (...args: Parameters<RunStoreTx[K]>) => Awaited<ReturnType<RunStoreTx[K]>> | ReturnType<RunStoreTx[K]>;
};

const OPERATIONS = [
  "createRun",
  "getRun",
  "listRuns",
  "updateRun",
  "acquireLease",
  "releaseLease",
  "orphanedRuns",
  "appendEvent",
  "listEvents",
  "lastSeq",
  "eventsAfter",
  "feedHead",
  "findIdempotencyKey",
  "saveIdempotencyKey",
  "upsertApproval",
  "getApproval",
  "listApprovals",
  "decideApproval",
  "expireApproval",
  "dueApprovals",
  "escalateApproval",
  "markApplied",
  "appendAudit",
  "auditTrail",
  "signalWork",
  "finishedWithEvents",
  "deleteEvents",
  "deleteAudit",
  "counts",
  "createWebhook",
  "listWebhooks",
  "getWebhook",
  "deleteWebhook",
  "listDeliveries",
  "dueDeliveries",
  "claimDelivery",
  "settleDelivery",
  "deleteDeliveries",
] as const satisfies readonly (keyof RunStoreTx)[];

// The compiler refuses the list above when the port gains an operation it does not name.
const everyOperation: Exclude<keyof RunStoreTx, (typeof OPERATIONS)[number]> extends never ? true : never = true;
void everyOperation;

/**
 * The port over an engine's tables: each operation runs through `exec`, which gives it its turn
 * on a connection, retries it, or runs it inside an open transaction.
 */
export function portOver(tables: RunTables, exec: <T>(work: () => T | Promise<T>) => Promise<T>): RunStoreTx {
  const call =
    (name: (typeof OPERATIONS)[number]) =>
    (...args: unknown[]) =>
      exec(() => (tables[name] as (...a: unknown[]) => unknown)(...args));
  return Object.fromEntries(OPERATIONS.map((name) => [name, call(name)])) as unknown as RunStoreTx;
}
