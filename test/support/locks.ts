import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { StoragePlace } from "./storage.ts";

/** A lock a test holds on the runtime's storage, as a slow transaction elsewhere would. */
export interface HeldLock {
  /** Lets go (once; later calls do nothing). */
  release(): Promise<void>;
}

/**
 * Holds what a decision on `approvalId` must write, until released: on SQLite the database's write
 * lock (no process can write), on Postgres the approval's row (reads go on, its update waits).
 */
export async function holdApproval(place: StoragePlace, approvalId: string): Promise<HeldLock> {
  if (!place.databaseUrl) return holdSqliteWriteLock(place.dataDir);
  const client = new pg.Client({ connectionString: place.databaseUrl });
  await client.connect();
  await client.query("BEGIN");
  await client.query("SELECT 1 FROM guild.approvals WHERE id = $1 FOR UPDATE", [approvalId]);
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await client.query("ROLLBACK");
      await client.end();
    },
  };
}

/** The runtime database's write lock (BEGIN IMMEDIATE on a connection of the test's own). */
export async function holdSqliteWriteLock(dataDir: string, mode: "IMMEDIATE" | "EXCLUSIVE" = "IMMEDIATE"): Promise<HeldLock> {
  const db = new Database(path.join(dataDir, "guild.sqlite"));
  db.exec(`BEGIN ${mode}`);
  return {
    async release() {
      if (!db.open) return;
      if (db.inTransaction) db.exec("ROLLBACK");
      db.close();
    },
  };
}

/** The claims pack's back-end locked, so that a payment cannot be written. */
export async function lockPayments(place: StoragePlace): Promise<HeldLock> {
  if (!place.databaseUrl) {
    const db = new Database(path.join(place.dataDir, "packs", "insurance-claims.sqlite"));
    db.exec("BEGIN EXCLUSIVE");
    return {
      async release() {
        if (db.open) db.close();
      },
    };
  }
  return lockTables(place.databaseUrl, ["pack_insurance_claims.payments"]);
}

/** Postgres tables locked for any access, in a transaction of the test's own, until released. */
export async function lockTables(databaseUrl: string, tables: readonly string[]): Promise<HeldLock> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query("BEGIN");
  await client.query(`LOCK TABLE ${tables.join(", ")} IN ACCESS EXCLUSIVE MODE`);
  return {
    async release() {
      await client.query("ROLLBACK").catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
