import { EventEmitter } from "node:events";
import type { Approval, RunEvent, TokenDelta } from "../contract/index.ts";

interface BusEvents {
  event: [RunEvent];
  token: [TokenDelta];
  approval: [{ type: "requested" | "resolved" | "escalated"; approval: Approval }];
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
