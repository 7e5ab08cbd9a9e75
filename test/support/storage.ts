import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pino } from "pino";
import { noFailpoint } from "../../agents/faults/index.ts";
import { BUILTIN_PACKS_DIR, loadPacks } from "../../agents/packs/index.ts";
import { openStorage } from "../../server/runtime/storage/index.ts";
import { tempDataDir } from "./clients.ts";
import { createPreparedDatabase } from "./postgres.ts";

/** The engine this test run keeps everything on: `GUILD_TEST_ENGINE=postgres` (see vitest.config.ts), SQLite otherwise. */
export const TEST_ENGINE: "sqlite" | "postgres" = process.env.GUILD_TEST_ENGINE === "postgres" ? "postgres" : "sqlite";

/** Where a runtime keeps everything: its data directory and, on Postgres, its database. */
export interface StoragePlace {
  dataDir: string;
  databaseUrl?: string;
}

/** A fresh place for one test, and how to hand it to a `guild` child process. */
export interface TestStorage extends StoragePlace {
  /** The variables that point a `guild` process at this place. */
  env: Record<string, string>;
  /** Removes the data directory and drops the database. */
  remove(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "../..");

/** What a prepared test database depends on: Guild's migrations, the built-in packs' seeds, LangGraph's saver and store. */
function preparedVersion(): string {
  const hash = createHash("sha256");
  const files = [
    "server/runtime/storage/postgres/migrations.ts",
    "node_modules/@langchain/langgraph-checkpoint-postgres/package.json",
    ...fs.readdirSync(path.join(ROOT, "agents/packs")).flatMap((pack) => {
      const backend = path.join("agents/packs", pack, "backend");
      return fs.existsSync(path.join(ROOT, backend)) ? fs.readdirSync(path.join(ROOT, backend)).map((f) => path.join(backend, f)) : [];
    }),
  ];
  for (const file of files.sort()) hash.update(file).update(fs.readFileSync(path.join(ROOT, file)));
  return hash.digest("hex").slice(0, 12);
}

/** Migrates a database and seeds the built-in packs' back-ends, as the first process on it would. */
async function prepare(databaseUrl: string): Promise<void> {
  const data = tempDataDir("guild-template-");
  const storage = await openStorage({ dataDir: data.dir, databaseUrl, log: pino({ level: "silent" }) });
  try {
    for (const pack of await loadPacks([BUILTIN_PACKS_DIR])) await storage.openBackend(pack, noFailpoint);
  } finally {
    await storage.close();
    data.remove();
  }
}

/**
 * A fresh, empty place on the engine under test: a temp data directory, and on Postgres a database
 * of its own (a copy of a migrated, seeded template; dropped by `remove`).
 */
export async function freshStorage(prefix = "guild-test-"): Promise<TestStorage> {
  const data = tempDataDir(prefix);
  if (TEST_ENGINE === "sqlite") {
    return { dataDir: data.dir, env: { GUILD_DATA_DIR: data.dir }, remove: async () => data.remove() };
  }
  const database = await createPreparedDatabase(preparedVersion(), prepare);
  return {
    dataDir: data.dir,
    databaseUrl: database.url,
    env: { GUILD_DATA_DIR: data.dir, GUILD_DATABASE_URL: database.url },
    remove: async () => {
      data.remove();
      await database.drop();
    },
  };
}
