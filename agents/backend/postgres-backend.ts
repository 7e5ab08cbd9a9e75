import pg from "pg";
import { GuildError, isGuildError } from "../errors/index.ts";
import { noFailpoint } from "../faults/index.ts";
import { bindable, checkIdentifiers, sqlFor } from "./dialect.ts";
import { toPositional, type PositionalSql } from "./placeholders.ts";
import { isTransientPostgresError } from "../faults/index.ts";
import { SQLITE_LIKE_TYPES } from "./postgres-types.ts";
import { refused, retryTransient, type RetryOptions } from "./retry.ts";
import { violated, type Backend, type BackendOptions, type EffectOutcome } from "./types.ts";

export interface PostgresBackendOptions extends BackendOptions {
  connectionString: string;
  /** The pack's schema, `packSchema(pack.id)`: its tables, and the only schema its SQL sees. */
  schema: string;
  /** The pack's seed for Postgres, run in order in one transaction the first time the schema is used. */
  seed: readonly string[];
  /** Connections in the back-end's own pool (default 4). */
  poolMax?: number;
  /**
   * How long one statement waits for a lock before it fails and is retried (default 5000 ms), so
   * that a lock held for good turns into "unavailable" within about the retry budget.
   */
  lockTimeoutMs?: number;
}

/** The class id of the advisory lock that serializes seeding (with the schema's hash). */
const SEED_LOCK_CLASS = 0x6775_696c; // "guil"

const EFFECTS_TABLE = `CREATE TABLE guild_effects (
  idempotency_key TEXT PRIMARY KEY,
  tool TEXT NOT NULL,
  args TEXT NOT NULL,
  result TEXT NOT NULL,
  at TEXT NOT NULL
)`;

/**
 * Reserves the key before the effect runs: a second transaction with the same key waits here
 * until the first ends, then finds the key taken (and replays its result) or free (the first
 * rolled back), so two processes never both run it.
 */
const RESERVE_KEY = `INSERT INTO guild_effects (idempotency_key, tool, args, result, at) VALUES ($1, $2, $3, 'null', $4)
  ON CONFLICT (idempotency_key) DO NOTHING`;

/**
 * Connection parameters for the pool: the URL's own `options` kept, the pack's schema as the
 * only search path, ISO dates in UTC (as SQLite prints them), and a lock timeout.
 */
function connectionConfig(connectionString: string, schema: string, lockTimeoutMs: number): pg.PoolConfig {
  const ours = `-c search_path=${schema} -c DateStyle=ISO,YMD -c TimeZone=UTC -c lock_timeout=${lockTimeoutMs}`;
  try {
    // pg lets options in the URL override the config's: merge them so the search path is never lost.
    const url = new URL(connectionString);
    const theirs = url.searchParams.get("options");
    url.searchParams.delete("options");
    return { connectionString: url.toString(), options: theirs ? `${theirs} ${ours}` : ours };
  } catch {
    return { connectionString, options: ours };
  }
}

/**
 * Runs `fn` in a transaction on a connection of its own; a connection that broke is not reused.
 * `serializable` makes what it read hold until it commits (else it fails as transient, to be tried again).
 */
async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, serializable = false): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client that loses its connection emits 'error', which would crash the process unheard.
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on("error", onError);
  try {
    await client.query(serializable ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN");
    const value = await fn(client);
    await client.query("COMMIT");
    return value;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => {
      broken ??= rollbackError;
    });
    if (isTransientPostgresError(error)) broken ??= error as Error;
    throw error;
  } finally {
    client.off("error", onError);
    client.release(broken);
  }
}

/**
 * Opens a pack's back-end in its own schema of a Postgres database, and on first use creates the
 * schema and seeds it, once even when several processes open it at the same moment. Locks and
 * lost connections are retried asynchronously with backoff; past the budget a call fails with a
 * transient `tool_error`.
 * @example const backend = await openPostgresBackend({ connectionString: url, schema: packSchema(pack.id), seed: pack.seed.postgres ?? [] });
 */
export async function openPostgresBackend(options: PostgresBackendOptions): Promise<Backend> {
  const { schema, seed } = options;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new GuildError("invalid_config", `not a schema name: '${schema}'`);
  const failpoint = options.failpoint ?? noFailpoint;
  const retry: RetryOptions = options.retry ?? {};
  const pool = new pg.Pool({
    ...connectionConfig(options.connectionString, schema, options.lockTimeoutMs ?? 5000),
    max: options.poolMax ?? 4,
    types: SQLITE_LIKE_TYPES,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection the server dropped (a restart) is reported here; the pool discards it and
  // the next call connects afresh, so there is nothing to do but not crash.
  pool.on("error", () => {});

  const guarded = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await retryTransient(fn, isTransientPostgresError, what, retry);
    } catch (error) {
      throw isGuildError(error) ? error : refused(what, error);
    }
  };

  const statements = new Map<string, PositionalSql>();
  const run = async (
    client: pg.Pool | pg.PoolClient,
    sql: string,
    args: Record<string, unknown>,
    shape: "row" | "rows",
  ): Promise<unknown> => {
    let positional = statements.get(sql);
    if (!positional) statements.set(sql, (positional = toPositional(sql)));
    const values = positional.names.map((name) => {
      if (!(name in args)) throw new Error(`Missing named parameter "${name}"`);
      return bindable(args[name]);
    });
    // The extended protocol even without arguments, so that a tool's SQL is one statement, as on SQLite.
    const result = await client.query({ text: positional.text, values, queryMode: "extended" } as pg.QueryConfig);
    if (result.fields.length === 0) return shape === "rows" ? [] : null;
    return shape === "rows" ? result.rows : (result.rows[0] ?? null);
  };

  try {
    await guarded(`seeding schema ${schema}`, () =>
      inTransaction(pool, async (client) => {
        // Seeding waits for another process's seeding, however long its seed takes.
        await client.query("SET LOCAL lock_timeout = 0");
        await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [SEED_LOCK_CLASS, schema]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await client.query(`SET LOCAL search_path TO ${schema}`);
        const { rows } = await client.query<{ seeded: number }>("SELECT to_regclass($1) IS NOT NULL AS seeded", [
          `${schema}.guild_effects`,
        ]);
        if (rows[0]?.seeded) return;
        // No arguments: the simple protocol, which runs a file of many statements.
        for (const text of seed) await client.query(text);
        await client.query(EFFECTS_TABLE);
      }),
    );
  } catch (error) {
    await pool.end();
    if (isGuildError(error) && (error.details as { transient?: boolean } | undefined)?.transient === false) {
      throw new GuildError("invalid_pack", `the seed of schema ${schema} failed: ${(error.cause as Error).message}`, {
        cause: error.cause,
      });
    }
    throw error;
  }

  return {
    dialect: "postgres",
    async query(sql, args, shape) {
      const text = sqlFor(sql, "postgres", "query");
      return guarded("query", () => run(pool, text, args, shape));
    },
    async effect(sql, args, shape, idempotencyKey, tool, checks = []) {
      const text = sqlFor(sql, "postgres", tool);
      const checkTexts = checks.map((check) => sqlFor(check, "postgres", tool));
      failpoint("effect.before");
      const argsJson = JSON.stringify(args);
      const apply = async (client: pg.PoolClient): Promise<EffectOutcome> => {
        const reserved = await client.query(RESERVE_KEY, [idempotencyKey, tool, argsJson, new Date().toISOString()]);
        if (reserved.rowCount === 0) {
          const { rows } = await client.query<{ args: string; result: string }>(
            "SELECT args, result FROM guild_effects WHERE idempotency_key = $1",
            [idempotencyKey],
          );
          const previous = rows[0]!;
          // The same key with other arguments is a different action: never answer it with this receipt.
          if (previous.args !== argsJson) throw new Error(`idempotency key ${idempotencyKey} was already used with other arguments`);
          return { result: JSON.parse(previous.result), replayed: true };
        }
        const found: unknown[] = [];
        for (const check of checkTexts) found.push(...((await run(client, check, args, "rows")) as unknown[]));
        const refusal = violated(tool, found);
        if (refusal) throw refusal;
        const result = await run(client, text, args, shape);
        await client.query("UPDATE guild_effects SET result = $2 WHERE idempotency_key = $1", [idempotencyKey, JSON.stringify(result)]);
        return { result, replayed: false };
      };
      // With business rules, serializable: under Postgres's default isolation a statement that waits
      // for another transaction's lock (a check's FOR UPDATE) still reads from before that
      // transaction committed, so two payments checked at once could both pass. Serializable fails
      // the second as transient instead, and its retry sees the first.
      const outcome = await guarded(tool, () => inTransaction(pool, apply, checkTexts.length > 0));
      failpoint("effect.after");
      return outcome;
    },
    async count(table, where = {}) {
      checkIdentifiers(table, Object.keys(where));
      const columns = Object.keys(where);
      const clauses = columns.map((k, i) => `${k} = $${i + 1}`);
      const sql = `SELECT COUNT(*) AS n FROM ${table}${clauses.length ? ` WHERE ${clauses.join(" AND ")}` : ""}`;
      return guarded("count", async () => (await pool.query<{ n: number }>(sql, Object.values(where))).rows[0]!.n);
    },
    close: () => pool.end(),
  };
}
