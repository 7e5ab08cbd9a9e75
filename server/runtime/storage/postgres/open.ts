import { randomUUID } from "node:crypto";
import { DEFAULT_BACKEND_RETRY } from "../../../../agents/backend/retry.ts";
import { packSchema } from "../../../../agents/backend/dialect.ts";
import { openPostgresBackend } from "../../../../agents/backend/postgres-backend.ts";
import { checkPackDialect } from "../../../../agents/packs/index.ts";
import type { Storage, StorageOptions } from "../types.ts";
import { postgresCheckpointMaintenance } from "./checkpoints.ts";
import { PostgresListener } from "./listener.ts";
import { RecallingPostgresStore } from "./memory-store.ts";
import { GUILD_SCHEMA, migrate } from "./migrations.ts";
import { createPool } from "./pool.ts";
import { postgresRunStore } from "./run-store.ts";
import { RetryingPostgresSaver } from "./saver.ts";

// Loaded only when GUILD_DATABASE_URL is set: pg and LangGraph's Postgres saver and store cost
// every other process their start-up time for nothing.

/** Brings the database's schema up to date (`guild migrate`); returns the migrations applied. */
export async function migratePostgres(url: string, options: StorageOptions): Promise<number[]> {
  const parts = postgresParts(url, options);
  try {
    return await parts.migrate();
  } finally {
    await parts.close();
  }
}

/** The runtime's pool, LangGraph's saver and store over it, and how to migrate them all. */
function postgresParts(url: string, options: StorageOptions) {
  const retry = options.retry ?? {};
  const pool = createPool(url, { schema: GUILD_SCHEMA, max: 6, name: "runtime", log: options.log });
  const checkpointer = new RetryingPostgresSaver(pool, GUILD_SCHEMA, retry);
  const memory = new RecallingPostgresStore(
    {
      connectionOptions: { connectionString: url, max: 2, application_name: "guild memory" },
      schema: GUILD_SCHEMA,
      ensureTables: false,
    },
    options.log,
  );
  return {
    retry,
    pool,
    checkpointer,
    memory,
    // LangGraph's own setups run under Guild's migration lock: processes starting together set up once.
    migrate: () => migrate(pool, [() => checkpointer.setup(), () => memory.setup()]),
    close: async () => {
      await memory.stop();
      await pool.end();
    },
  };
}

export async function openPostgres(url: string, options: StorageOptions): Promise<Storage> {
  const { retry, pool, checkpointer, memory, ...parts } = postgresParts(url, options);
  // This process's own notifications reach it only through its own commits, not back through the listener.
  const origin = randomUUID();
  const listener = new PostgresListener(url, origin, options.log);
  const backends: { close(): Promise<void> }[] = [];
  try {
    const applied = await parts.migrate();
    if (applied.length > 0) options.log.info({ applied }, "database migrated");
    await listener.start();
    return {
      kind: "postgres",
      runs: postgresRunStore(pool, origin, retry),
      checkpointer,
      checkpoints: postgresCheckpointMaintenance(pool, GUILD_SCHEMA),
      memory,
      signalled: true,
      async openBackend(pack, failpoint) {
        checkPackDialect(pack, "postgres");
        // A lock held elsewhere is waited for a quarter of the retry budget per attempt, then retried.
        const lockTimeoutMs = Math.max(100, Math.min(5000, (retry.budgetMs ?? DEFAULT_BACKEND_RETRY.budgetMs) / 4));
        const backend = await openPostgresBackend({
          connectionString: url,
          schema: packSchema(pack.id),
          seed: pack.seed.postgres ?? [],
          failpoint,
          retry,
          poolMax: 2,
          lockTimeoutMs,
        });
        backends.push(backend);
        return backend;
      },
      listen: (signals) => listener.subscribe(signals),
      async close() {
        await listener.close();
        await Promise.all(backends.map((b) => b.close()));
        await parts.close();
      },
    };
  } catch (error) {
    await Promise.allSettled([listener.close(), parts.close()]);
    throw error;
  }
}
