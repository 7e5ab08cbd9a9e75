import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { WEBHOOK_SCHEMA } from "./webhooks.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  task TEXT NOT NULL,
  pack TEXT NOT NULL,
  tenant TEXT NOT NULL DEFAULT 'default',
  created_by TEXT,
  plan_approval INTEGER NOT NULL,
  metadata TEXT,
  result TEXT,
  error TEXT,
  usage TEXT,
  model TEXT NOT NULL,
  owner TEXT,
  lease_until INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status, created_at);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  at TEXT NOT NULL,
  data TEXT NOT NULL,
  UNIQUE (run_id, seq)
);
CREATE TABLE IF NOT EXISTS approvals (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  interrupt_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  request TEXT NOT NULL,
  decision TEXT,
  applied INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  decided_at TEXT,
  expires_at TEXT,
  escalation TEXT
);
CREATE INDEX IF NOT EXISTS approvals_by_run ON approvals (run_id, status);
CREATE INDEX IF NOT EXISTS approvals_by_status ON approvals (status, created_at);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  approval_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  action TEXT NOT NULL,
  event TEXT NOT NULL,
  decision TEXT,
  status TEXT NOT NULL,
  reviewer TEXT,
  reviewer_id TEXT,
  reviewer_verified INTEGER,
  via TEXT NOT NULL,
  args_before TEXT NOT NULL,
  args_after TEXT,
  message TEXT,
  redirect_to TEXT,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_run ON audit (run_id, id);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  key TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  run_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`;

/**
 * Events gained a global id (the feed's cursor across processes): a data directory from before
 * it keeps its events, renumbered in the order they were stored.
 */
function migrateEvents(db: Database.Database): void {
  const needed = (): boolean => {
    const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('events')").all();
    return columns.length > 0 && !columns.some((c) => c.name === "id");
  };
  if (!needed()) return;
  db.transaction(() => {
    // Another process opening the same directory may have migrated while this one waited for the lock.
    if (!needed()) return;
    db.exec("ALTER TABLE events RENAME TO events_before_ids");
    db.exec(SCHEMA);
    db.exec(
      "INSERT INTO events (run_id, seq, type, at, data) SELECT run_id, seq, type, at, data FROM events_before_ids ORDER BY at, run_id, seq",
    );
    db.exec("DROP TABLE events_before_ids");
  }).immediate();
}

/** Columns added since a table was first shipped; older data directories get them (runs of before tenants: the default tenant's). */
const ADDED_COLUMNS: readonly { table: string; column: string; definition: string }[] = [
  { table: "approvals", column: "expires_at", definition: "TEXT" },
  { table: "approvals", column: "escalation", definition: "TEXT" },
  { table: "runs", column: "tenant", definition: "TEXT NOT NULL DEFAULT 'default'" },
  { table: "runs", column: "created_by", definition: "TEXT" },
  { table: "audit", column: "reviewer_id", definition: "TEXT" },
  { table: "audit", column: "reviewer_verified", definition: "INTEGER" },
];

/** Adds the columns an older data directory lacks, in one transaction. */
function addColumns(db: Database.Database): void {
  const missing = (): typeof ADDED_COLUMNS => {
    const columnsOf = (table: string) =>
      new Set(
        db
          .prepare<[string], { name: string }>("SELECT name FROM pragma_table_info(?)")
          .all(table)
          .map((c) => c.name),
      );
    const tables = new Map(["approvals", "runs", "audit"].map((t) => [t, columnsOf(t)]));
    // A table not there yet is created whole by the schema.
    return ADDED_COLUMNS.filter(({ table, column }) => tables.get(table)!.size > 0 && !tables.get(table)!.has(column));
  };
  if (missing().length === 0) return;
  // Another process opening the same directory may have migrated while this one waited for the lock.
  db.transaction(() =>
    missing().forEach(({ table, column, definition }) => db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`)),
  ).immediate();
}

/** Opens the runtime's SQLite database under the data directory, creating its tables. */
export function openRuntimeDatabase(dataDir: string): Database.Database {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, "guild.sqlite"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  migrateEvents(db);
  addColumns(db);
  db.exec(SCHEMA);
  db.exec(WEBHOOK_SCHEMA);
  db.exec("CREATE INDEX IF NOT EXISTS approvals_by_deadline ON approvals (status, expires_at)");
  db.exec("CREATE INDEX IF NOT EXISTS runs_by_tenant ON runs (tenant, created_at)");
  return db;
}
