import path from "node:path";
import { openSqliteBackend } from "../../../agents/backend/sqlite-backend.ts";
import { checkPackDialect } from "../../../agents/packs/index.ts";
import { sqliteCheckpointMaintenance } from "./sqlite/checkpoints.ts";
import { SqliteConnection } from "./sqlite/connection.ts";
import { SqliteStore } from "./sqlite/memory-store.ts";
import { sqliteRunStore } from "./sqlite/run-store.ts";
import { SharedConnectionSaver } from "./sqlite/saver.ts";
import { openRuntimeDatabase } from "./sqlite/schema.ts";
import type { Storage, StorageOptions } from "./types.ts";

export type { StorageOptions } from "./types.ts";

/** Opens the storage the options name, creating (and on Postgres migrating) what is missing. */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  if (!options.databaseUrl) return openSqlite(options);
  const { openPostgres } = await import("./postgres/open.ts");
  return openPostgres(options.databaseUrl, options);
}

/** Brings the storage's schema up to date and closes it (`guild migrate`); returns the migrations applied. */
export async function migrateStorage(options: StorageOptions): Promise<{ kind: Storage["kind"]; applied: number[] }> {
  if (!options.databaseUrl) {
    await (await openSqlite(options)).close();
    return { kind: "sqlite", applied: [] };
  }
  const { migratePostgres } = await import("./postgres/open.ts");
  return { kind: "postgres", applied: await migratePostgres(options.databaseUrl, options) };
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
      const backend = await openSqliteBackend(path.join(options.dataDir, "packs", `${pack.id}.sqlite`), pack.seed.sqlite ?? [], {
        failpoint,
        retry,
      });
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
