import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Logger } from "pino";
import { DEFAULT_BACKEND_RETRY, openPostgresBackend, openSqliteBackend, packSchema } from "../../../agents/backend/index.ts";
import type { RetryOptions } from "../../../agents/faults/index.ts";
import { checkPackDialect } from "../../../agents/packs/index.ts";
import { RecallingPostgresStore } from "./postgres/memory-store.ts";
import { PostgresListener } from "./postgres/listener.ts";
import { GUILD_SCHEMA, migrate } from "./postgres/migrations.ts";
import { createPool } from "./postgres/pool.ts";
import { postgresRunStore } from "./postgres/run-store.ts";
import { RetryingPostgresSaver } from "./postgres/saver.ts";
import { postgresCheckpointMaintenance } from "./postgres/checkpoints.ts";
import { sqliteCheckpointMaintenance } from "./sqlite/checkpoints.ts";
import { SqliteConnection } from "./sqlite/connection.ts";
import { SqliteStore } from "./sqlite/memory-store.ts";
import { sqliteRunStore } from "./sqlite/run-store.ts";
import { SharedConnectionSaver } from "./sqlite/saver.ts";
import { openRuntimeDatabase } from "./sqlite/schema.ts";
import type { Storage } from "./types.ts";

export interface StorageOptions {
  /** Where the SQLite files live (the embedded default). */
  dataDir: string;
  /** `postgres://...`: everything in that database instead; undefined for SQLite. */
  databaseUrl?: string | undefined;
  log: Logger;
  /** How long to wait out a busy database or a dropped connection before reporting it; `onRetry` is told of each retry. */
  retry?: RetryOptions;
}

/** Opens the storage the options name, creating (and on Postgres migrating) what is missing. */
export function openStorage(options: StorageOptions): Promise<Storage> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openSqlite(options);
}

/** Brings the storage's schema up to date and closes it (`guild migrate`); returns the migrations applied. */
export async function migrateStorage(options: StorageOptions): Promise<{ kind: Storage["kind"]; applied: number[] }> {
  if (!options.databaseUrl) {
    await (await openSqlite(options)).close();
    return { kind: "sqlite", applied: [] };
  }
  const parts = postgresParts(options.databaseUrl, options);
  try {
    return { kind: "postgres", applied: await parts.migrate() };
  } finally {
    await parts.close();
  }
}

async function openSqlite(options: StorageOptions): Promise<Storage> {
  const retry = options.retry ?? {};
  const connection = new SqliteConnection(openRuntimeDatabase(options.dataDir), retry);
  const backends: { close(): Promise<void> }[] = [];
  return {
    kind: "sqlite",
    runs: sqliteRunStore(connection),
    checkpointer: new SharedConnectionSaver(connection),
    checkpoints: sqliteCheckpointMaintenance(connection),
    memory: new SqliteStore(connection),
    signalled: false,
    async openBackend(pack, failpoint) {
      checkPackDialect(pack, "sqlite");
      const backend = await openSqliteBackend(path.join(options.dataDir, "packs", `${pack.id}.sqlite`), pack.seed.sqlite ?? [], { failpoint, retry });
      backends.push(backend);
      return backend;
    },
    listen: () => () => {},
    async close() {
      await Promise.all(backends.map((b) => b.close()));
      await connection.close();
    },
  };
}

/** The runtime's pool, LangGraph's saver and store over it, and how to migrate them all. */
function postgresParts(url: string, options: StorageOptions) {
  const retry = options.retry ?? {};
  const pool = createPool(url, { schema: GUILD_SCHEMA, max: 6, name: "runtime", log: options.log });
  const checkpointer = new RetryingPostgresSaver(pool, GUILD_SCHEMA, retry);
  const memory = new RecallingPostgresStore({
    connectionOptions: { connectionString: url, max: 2, application_name: "guild memory" },
    schema: GUILD_SCHEMA,
    ensureTables: false,
  });
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

async function openPostgres(url: string, options: StorageOptions): Promise<Storage> {
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
        const backend = await openPostgresBackend({ connectionString: url, schema: packSchema(pack.id), seed: pack.seed.postgres ?? [], failpoint, retry, poolMax: 2, lockTimeoutMs });
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
