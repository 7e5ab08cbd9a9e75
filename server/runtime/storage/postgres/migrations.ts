import type pg from "pg";
import { GuildError } from "../../../../agents/errors/index.ts";
import { WEBHOOK_MIGRATION_SQL } from "./webhooks.ts";

/** The schema of Guild's own tables; LangGraph's checkpoints and store live there too. */
export const GUILD_SCHEMA = "guild";

/** One step of the schema, applied once and recorded; never edited once shipped (add another). */
interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Guild's tables on Postgres. JSON columns are `json` (the text as written, so arguments keep
 * their order on a reviewer's card), instants `timestamptz`.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "runs, events, approvals, audit trail, idempotency keys",
    sql: `
CREATE TABLE runs (
  id text PRIMARY KEY,
  ord bigint GENERATED ALWAYS AS IDENTITY,
  status text NOT NULL,
  task text NOT NULL,
  pack text NOT NULL,
  plan_approval boolean NOT NULL,
  metadata json,
  result json,
  error json,
  usage json,
  model json NOT NULL,
  owner text,
  lease_until timestamptz,
  last_seq integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX runs_by_status ON runs (status, created_at);
CREATE INDEX runs_newest_first ON runs (created_at DESC, ord DESC);
-- tx: the transaction that stored the event, for the feed's horizon (see run-store.ts).
CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
  run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  type text NOT NULL,
  at timestamptz NOT NULL,
  data json NOT NULL,
  UNIQUE (run_id, seq)
);
CREATE INDEX events_feed ON events (tx, id);
CREATE TABLE approvals (
  id text PRIMARY KEY,
  ord bigint GENERATED ALWAYS AS IDENTITY,
  run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  interrupt_id text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  request json NOT NULL,
  decision json,
  applied boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  decided_at timestamptz,
  expires_at timestamptz,
  escalation json
);
CREATE INDEX approvals_by_run ON approvals (run_id, status);
CREATE INDEX approvals_by_status ON approvals (status, created_at, ord);
CREATE INDEX approvals_by_deadline ON approvals (status, expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE audit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id text NOT NULL,
  approval_id text NOT NULL,
  kind text NOT NULL,
  action text NOT NULL,
  event text NOT NULL,
  decision text,
  status text NOT NULL,
  reviewer text,
  via text NOT NULL,
  args_before json NOT NULL,
  args_after json,
  message text,
  redirect_to text,
  at timestamptz NOT NULL
);
CREATE INDEX audit_by_run ON audit (run_id, id);
CREATE TABLE idempotency_keys (
  key text PRIMARY KEY,
  request_hash text NOT NULL,
  run_id text NOT NULL,
  created_at timestamptz NOT NULL
);`,
  },
  {
    version: 2,
    name: "tenants: the tenant and creator of each run, the verified reviewer of each audit entry",
    sql: `
ALTER TABLE runs ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE runs ADD COLUMN created_by text;
CREATE INDEX runs_by_tenant ON runs (tenant, created_at DESC, ord DESC);
ALTER TABLE audit ADD COLUMN reviewer_id text;
ALTER TABLE audit ADD COLUMN reviewer_verified boolean;`,
  },
  { version: 3, name: "webhooks and the outbox of their deliveries", sql: WEBHOOK_MIGRATION_SQL },
  {
    version: 4,
    name: "a delivery's creation as a time: it was stored as Postgres's text of one, not ISO, so it did not compare with ISO times",
    sql: "ALTER TABLE webhook_deliveries ALTER COLUMN created_at TYPE timestamptz USING created_at::timestamptz;",
  },
];

/** Every process takes this advisory lock to migrate, so that processes starting together migrate once. */
const MIGRATION_LOCK = 0x6775696c64; // "guild"

/** Setups of other schemas' owners (LangGraph's saver and store) to run under the same lock. */
export type SetupStep = () => Promise<void>;

/**
 * Brings the database's schema up to this version of Guild, under an advisory lock: applies each
 * migration not yet recorded in `guild.schema_migrations`, in its own transaction, then `after`
 * (LangGraph's own setups). Refuses a database migrated by a newer Guild. Returns the versions applied.
 */
export async function migrate(pool: pg.Pool, after: readonly SetupStep[] = []): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${GUILD_SCHEMA}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${GUILD_SCHEMA}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${GUILD_SCHEMA}.schema_migrations`);
    const done = new Set(rows.map((r) => Number(r.version)));
    const newest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    const unknown = [...done].filter((v) => v > newest);
    if (unknown.length > 0) {
      throw new GuildError(
        "invalid_config",
        `GUILD_DATABASE_URL: the database has schema version ${Math.max(...unknown)}, newer than this Guild knows (${newest}); upgrade Guild`,
        {
          details: { variable: "GUILD_DATABASE_URL" },
        },
      );
    }
    const applied: number[] = [];
    for (const migration of MIGRATIONS.filter((m) => !done.has(m.version))) {
      await client.query("BEGIN");
      try {
        await client.query(`SET LOCAL search_path TO ${GUILD_SCHEMA}`);
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${GUILD_SCHEMA}.schema_migrations (version, name) VALUES ($1, $2)`, [
          migration.version,
          migration.name,
        ]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
      applied.push(migration.version);
    }
    for (const setup of after) await setup();
    return applied;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
