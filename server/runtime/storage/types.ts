import type { BaseCheckpointSaver, BaseStore } from "@langchain/langgraph-checkpoint";
import type { Logger } from "pino";
import type { Backend } from "../../../agents/backend/index.ts";
import type { RetryOptions } from "../../../agents/faults/index.ts";
import type { Failpoint } from "../../../agents/faults/index.ts";
import type { Pack } from "../../../agents/packs/index.ts";
import type { RunStore } from "../runs/index.ts";

export type StorageKind = "sqlite" | "postgres";

/** Housekeeping of LangGraph's checkpoints, by thread (a run's id). */
export interface CheckpointMaintenance {
  /** Keeps the thread's last checkpoint (its state as the run ended) and drops the rest. */
  compact(threadId: string): Promise<void>;
  /** Drops every checkpoint of the thread. */
  remove(threadId: string): Promise<void>;
}

/** What other processes sharing the database tell this one. */
export interface StorageSignals {
  /** Another process stored events: read the feed. */
  events(): void;
  /** A run has work to pick up: it was created or decided, here or elsewhere. */
  work(runId: string): void;
  /** What was told meanwhile may be lost (a listener reconnected): look at the database itself. */
  resync(): void;
}

/**
 * Everything Guild keeps, on one engine: runs and their events, approvals and audit (`runs`),
 * LangGraph's checkpoints and long-term memory, and each pack's back-end. Nothing above this
 * knows which engine it is.
 */
export interface Storage {
  readonly kind: StorageKind;
  readonly runs: RunStore;
  readonly checkpointer: BaseCheckpointSaver;
  readonly checkpoints: CheckpointMaintenance;
  readonly memory: BaseStore;
  /** A pack's back-end, seeded from the pack on first use. */
  openBackend(pack: Pack, failpoint: Failpoint): Promise<Backend>;
  /**
   * Subscribes to what other processes tell. An engine whose processes cannot tell each other
   * (SQLite files) never calls: processes find new events and work by polling.
   */
  listen(signals: Partial<StorageSignals>): () => void;
  /** Whether other processes' changes arrive as signals (else the runtime polls more often). */
  readonly signalled: boolean;
  close(): Promise<void>;
}

export interface StorageOptions {
  /** Where the SQLite files live (the embedded default). */
  dataDir: string;
  /** `postgres://...`: everything in that database instead; undefined for SQLite. */
  databaseUrl?: string | undefined;
  log: Logger;
  /** How long to wait out a busy database or a dropped connection before reporting it; `onRetry` is told of each retry. */
  retry?: RetryOptions;
}
