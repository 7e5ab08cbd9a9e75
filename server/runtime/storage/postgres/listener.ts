import pg from "pg";
import type { Logger } from "pino";
import { setTimeout as sleep } from "node:timers/promises";
import type { StorageSignals } from "../types.ts";
import { CHANNELS } from "./run-store.ts";

/**
 * One connection that LISTENs for what other processes tell (events stored, runs with work) and
 * passes it on. When the connection drops it reconnects with backoff and reports `resync`, since
 * notifications sent meanwhile are lost: listeners then look at the database itself.
 */
export class PostgresListener {
  private client: pg.Client | undefined;
  private closed = false;
  private readonly listeners = new Set<Partial<StorageSignals>>();

  /** `origin`: this process's id in the notifications it sends; they are not passed on to it. */
  constructor(
    private readonly connectionString: string,
    private readonly origin: string,
    private readonly log: Logger,
  ) {}

  /** Connects and listens; resolves once listening (or rejects when the first connection fails). */
  async start(): Promise<void> {
    await this.connect();
  }

  subscribe(listener: Partial<StorageSignals>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: "guild listener" });
    client.on("notification", (message) => this.dispatch(message.channel, message.payload ?? ""));
    client.on("error", (error) => this.log.warn({ err: error }, "the database listener's connection failed; reconnecting"));
    client.on("end", () => {
      if (this.client === client) this.client = undefined;
      if (!this.closed) void this.reconnect();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNELS.events}; LISTEN ${CHANNELS.work}`);
    this.client = client;
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt += 1) {
      await sleep(Math.min(5000, 100 * 2 ** attempt));
      if (this.closed) return;
      try {
        await this.connect();
        this.log.info("the database listener reconnected");
        this.listeners.forEach((l) => l.resync?.());
        return;
      } catch (error) {
        this.log.warn({ err: error, attempt }, "the database listener could not reconnect; trying again");
      }
    }
  }

  private dispatch(channel: string, payload: string): void {
    const [origin, runId] = payload.split(" ");
    if (origin === this.origin) return;
    for (const listener of this.listeners) {
      try {
        if (channel === CHANNELS.events) listener.events?.();
        else if (channel === CHANNELS.work && runId) listener.work?.(runId);
      } catch (error) {
        this.log.error({ err: error, channel }, "a listener of database notifications failed");
      }
    }
  }
}
