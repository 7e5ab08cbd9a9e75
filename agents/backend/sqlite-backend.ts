import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { GuildError, isGuildError } from "../errors/index.ts";
import { isSqliteBusy, noFailpoint } from "../faults/index.ts";
import { bindable, checkIdentifiers, sqlFor } from "./dialect.ts";
import { refused, retryTransient, type RetryOptions } from "./retry.ts";
import { violated, type Backend, type BackendOptions, type EffectOutcome } from "./types.ts";

const EFFECTS_TABLE = `CREATE TABLE IF NOT EXISTS guild_effects (
  idempotency_key TEXT PRIMARY KEY,
  tool TEXT NOT NULL,
  args TEXT NOT NULL,
  result TEXT NOT NULL,
  at TEXT NOT NULL
)`;

/** Prepares each SQL text once per connection: tools run the same few statements again and again. */
function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
}

function runStatement(statement: Database.Statement, args: Record<string, unknown>, shape: "row" | "rows"): unknown {
  const params = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, bindable(v)]));
  if (!statement.reader) {
    statement.run(params);
    return shape === "rows" ? [] : null;
  }
  statement.pluck(false); // a cached statement may have been plucked by count()
  return shape === "rows" ? statement.all(params) : (statement.get(params) ?? null);
}

/**
 * Opens the file without ever waiting on a lock in SQLite itself: `busy_timeout = 0` makes a
 * held lock an immediate SQLITE_BUSY, which the caller retries after a timer.
 */
function openFile(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma("busy_timeout = 0");
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Seeds a new file once: `user_version` says it is done, checked again under the write lock. */
function seedOnce(db: Database.Database, seed: readonly string[]): void {
  if ((db.pragma("user_version", { simple: true }) as number) !== 0) return;
  db.transaction(() => {
    if ((db.pragma("user_version", { simple: true }) as number) !== 0) return;
    for (const text of seed) db.exec(text);
    db.exec(EFFECTS_TABLE);
    db.pragma("user_version = 1");
  }).immediate();
}

/**
 * Opens (and on first use seeds) a pack's back-end database file. A lock another connection or
 * process holds is waited for asynchronously, with backoff and jitter, never by blocking the
 * event loop; past the retry budget a call fails with a transient `tool_error`.
 * @example const backend = await openSqliteBackend("data/packs/insurance-claims.sqlite", pack.seed.sqlite ?? []);
 */
export async function openSqliteBackend(file: string, seed: readonly string[], options: BackendOptions = {}): Promise<Backend> {
  const failpoint = options.failpoint ?? noFailpoint;
  const retry: RetryOptions = options.retry ?? {};
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = await retryTransient(() => openFile(file), isSqliteBusy, `opening ${file}`, retry).catch((error: unknown) => {
    throw isGuildError(error)
      ? error
      : new GuildError("tool_error", `cannot open the back-end ${file}: ${(error as Error).message}`, {
          cause: error,
          details: { transient: false },
        });
  });
  try {
    await retryTransient(() => seedOnce(db, seed), isSqliteBusy, `seeding ${file}`, retry);
  } catch (error) {
    db.close();
    throw isGuildError(error)
      ? error
      : new GuildError("invalid_pack", `the seed of ${file} failed: ${(error as Error).message}`, { cause: error });
  }

  const prepared = statementCache(db);

  /** Runs `fn`, retrying while the file is locked elsewhere; a refusal becomes a non-transient tool_error. */
  const guarded = async <T>(what: string, fn: () => T): Promise<T> => {
    try {
      return await retryTransient(fn, isSqliteBusy, what, retry);
    } catch (error) {
      throw isGuildError(error) ? error : refused(what, error);
    }
  };

  return {
    dialect: "sqlite",
    async query(sql, args, shape) {
      const text = sqlFor(sql, "sqlite", "query");
      return guarded("query", () => runStatement(prepared(text), args, shape));
    },
    async effect(sql, args, shape, idempotencyKey, tool, checks = []) {
      const text = sqlFor(sql, "sqlite", tool);
      const checkTexts = checks.map((check) => sqlFor(check, "sqlite", tool));
      failpoint("effect.before");
      const argsJson = JSON.stringify(args);
      // BEGIN IMMEDIATE takes the write lock first, so the key's look-up, the effect and the key's
      // record see no other writer between them; a busy file retries the whole transaction.
      const once = db.transaction((): EffectOutcome => {
        const previous = prepared("SELECT args, result FROM guild_effects WHERE idempotency_key = ?").get(idempotencyKey) as
          | { args: string; result: string }
          | undefined;
        if (previous !== undefined) {
          // The same key with other arguments is a different action: never answer it with this receipt.
          if (previous.args !== argsJson) throw new Error(`idempotency key ${idempotencyKey} was already used with other arguments`);
          return { result: JSON.parse(previous.result), replayed: true };
        }
        const refusal = violated(
          tool,
          checkTexts.flatMap((check) => runStatement(prepared(check), args, "rows") as unknown[]),
        );
        if (refusal) throw refusal;
        const result = runStatement(prepared(text), args, shape);
        prepared("INSERT INTO guild_effects (idempotency_key, tool, args, result, at) VALUES (?, ?, ?, ?, ?)").run(
          idempotencyKey,
          tool,
          argsJson,
          JSON.stringify(result),
          new Date().toISOString(),
        );
        return { result, replayed: false };
      });
      const outcome = await guarded(tool, () => once.immediate());
      failpoint("effect.after");
      return outcome;
    },
    async count(table, where = {}) {
      checkIdentifiers(table, Object.keys(where));
      const clauses = Object.keys(where).map((k) => `${k} = @${k}`);
      const sql = `SELECT COUNT(*) FROM ${table}${clauses.length ? ` WHERE ${clauses.join(" AND ")}` : ""}`;
      return guarded("count", () => prepared(sql).pluck().get(where) as number);
    },
    async close() {
      db.close();
    },
  };
}
