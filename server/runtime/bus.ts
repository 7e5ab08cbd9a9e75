import { EventEmitter } from "node:events";
import type { Approval, ApprovalKind, RunEvent, RunStatus, RunUsage, TokenDelta } from "../contract/index.ts";

interface BusEvents {
  event: [RunEvent];
  token: [TokenDelta];
  /** An approval event, with the tenant of its run: only that tenant's inbox hears of it. */
  approval: [{ type: "requested" | "resolved" | "escalated"; approval: Approval; tenant: string }];
  // What this process itself did (not other processes sharing the database), for its metrics:
  /** A reviewer's decision taken here: how long the approval waited. */
  decided: [{ kind: ApprovalKind; waitedMs: number }];
  /** A run this process ended: how long it took in all, and the tokens it used. */
  finished: [{ status: RunStatus; durationMs: number; usage?: RunUsage }];
  /** A storage call retried after a transient fault (busy, locked, a dropped connection). */
  storageRetry: [{ error: unknown }];
  /** A run's execution stopped by storage that stayed unavailable past its retries (the run waits). */
  storageFault: [{ runId: string; error: unknown }];
}

/** Tells listeners in this process about events after they are stored, and about live tokens. */
export class RuntimeBus {
  private readonly emitter = new EventEmitter<BusEvents>();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit<K extends keyof BusEvents>(name: K, ...args: BusEvents[K]): void {
    // A listener that throws must not break the run that emitted.
    for (const listener of this.emitter.listeners(name) as ((...a: BusEvents[K]) => void)[]) {
      try {
        listener(...args);
      } catch {
        /* listeners report their own failures */
      }
    }
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof BusEvents>(name: K, listener: (...args: BusEvents[K]) => void): () => void {
    this.emitter.on(name, listener as never);
    return () => this.emitter.off(name, listener as never);
  }
}
