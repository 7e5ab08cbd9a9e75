import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { GuildError } from "../errors/index.ts";
import { noFailpoint, type Failpoint } from "../faults/index.ts";
import type { Backend, EffectOutcome } from "./types.ts";

const EFFECTS_TABLE = `CREATE TABLE IF NOT EXISTS guild_effects (
  idempotency_key TEXT PRIMARY KEY,
  tool TEXT NOT NULL,
  args TEXT NOT NULL,
  result TEXT NOT NULL,
  at TEXT NOT NULL
)`;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function runStatement(db: Database.Database, sql: string, args: Record<string, unknown>, shape: "row" | "rows"): unknown {
  const statement = db.prepare(sql);
  const params = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, typeof v === "boolean" ? Number(v) : v]));
  if (!statement.reader) {
    statement.run(params);
    return shape === "rows" ? [] : null;
  }
  return shape === "rows" ? statement.all(params) : (statement.get(params) ?? null);
}

/**
 * Opens (and on first use seeds) a pack's back-end database file.
 * `failpoint` is called just before and just after an effect commits (crash tests arm it).
 * @example const backend = openSqliteBackend("data/packs/insurance-claims.sqlite", seedSql);
 */
export function openSqliteBackend(file: string, seedSql: string, failpoint: Failpoint = noFailpoint): Backend {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  db.exec(EFFECTS_TABLE);
  const seeded = db.pragma("user_version", { simple: true }) as number;
  if (seeded === 0) {
    db.transaction(() => {
      db.exec(seedSql);
      db.pragma("user_version = 1");
    }).immediate();
  }

  const findEffect = db.prepare<[string], { args: string; result: string }>("SELECT args, result FROM guild_effects WHERE idempotency_key = ?");
  const recordEffect = db.prepare("INSERT INTO guild_effects (idempotency_key, tool, args, result, at) VALUES (?, ?, ?, ?, ?)");

  const wrap = <T>(tool: string, fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      throw new GuildError("tool_error", `${tool} failed in the back-end: ${(error as Error).message}`, { cause: error });
    }
  };

  return {
    query: (sql, args, shape) => wrap("query", () => runStatement(db, sql, args, shape)),
    effect(sql, args, shape, idempotencyKey, tool): EffectOutcome {
      failpoint("effect.before");
      const outcome = wrap(tool, () =>
        db.transaction((): EffectOutcome => {
          const previous = findEffect.get(idempotencyKey);
          if (previous !== undefined) {
            // The same key with other arguments is a different action: never answer it with this receipt.
            if (previous.args !== JSON.stringify(args)) throw new Error(`idempotency key ${idempotencyKey} was already used with other arguments`);
            return { result: JSON.parse(previous.result), replayed: true };
          }
          const result = runStatement(db, sql, args, shape);
          recordEffect.run(idempotencyKey, tool, JSON.stringify(args), JSON.stringify(result), new Date().toISOString());
          return { result, replayed: false };
        }).immediate(),
      );
      failpoint("effect.after");
      return outcome;
    },
    count(table, where = {}) {
      if (!IDENTIFIER.test(table) || !Object.keys(where).every((k) => IDENTIFIER.test(k))) {
        throw new GuildError("invalid_input", `not a table or column name: ${table}`);
      }
      const clauses = Object.keys(where).map((k) => `${k} = @${k}`);
      const sql = `SELECT COUNT(*) FROM ${table}${clauses.length ? ` WHERE ${clauses.join(" AND ")}` : ""}`;
      return db.prepare(sql).pluck().get(where) as number;
    },
    close: () => db.close(),
  };
}
