import type { Statement } from "better-sqlite3";
import {
  BaseStore,
  validateNamespace,
  type GetOperation,
  type Item,
  type ListNamespacesOperation,
  type Operation,
  type OperationResults,
  type PutOperation,
  type SearchItem,
  type SearchOperation,
} from "@langchain/langgraph-checkpoint";
import { lexicalScore, queryTerms } from "../memory/lexical-score.ts";
import { compareNamespaces, descendantRange, joinNamespace, matchesCondition, splitNamespace } from "../memory/namespace-path.ts";
import { matchesFilter } from "../memory/value-filter.ts";
import type { SqliteConnection } from "./connection.ts";

const DEFAULT_SEARCH_LIMIT = 10;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS store_items (
  namespace  TEXT    NOT NULL,
  key        TEXT    NOT NULL,
  value      TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, key)
) WITHOUT ROWID`;

/** A `store_items` row; timestamps are milliseconds since the epoch. */
interface ItemRow {
  namespace: string;
  key: string;
  value: string;
  created_at: number;
  updated_at: number;
}

type ResultOf = Item | SearchItem[] | string[][] | null | undefined;

/**
 * LangGraph long-term memory (`BaseStore`) kept in the `store_items` table of a SQLite database
 * shared with the rest of the runtime.
 *
 * Semantics follow `InMemoryStore`: within one `batch()`, reads see the store as it was before
 * the batch, and the puts run afterwards, the last put of a namespace and key winning, all in
 * one transaction. Search ranks by a deterministic lexical score instead of embeddings, so the
 * put's `index` option is accepted and ignored. `updatedAt` strictly increases with every write
 * through one store, so "most recent first" never ties.
 *
 * @example
 * const store = new SqliteStore(new SqliteConnection(new Database("data/guild.sqlite")));
 * await store.put(["memories", "claims"], "m1", { text: "Reviewer: check the police report" });
 * const hits = await store.search(["memories"], { query: "police report", limit: 5 });
 */
export class SqliteStore extends BaseStore {
  readonly #connection: SqliteConnection;
  readonly #selectOne: Statement<[string, string], ItemRow>;
  readonly #selectAll: Statement<[], ItemRow>;
  readonly #selectUnder: Statement<[string, string, string], ItemRow>;
  readonly #selectNamespaces: Statement<[], { namespace: string }>;
  readonly #upsert: Statement<[string, string, string, number, number]>;
  readonly #remove: Statement<[string, string]>;
  #lastWriteMs: number;

  /** Creates `store_items` when it is missing; the caller keeps ownership of the connection. */
  constructor(connection: SqliteConnection) {
    super();
    this.#connection = connection;
    const { db } = connection;
    db.exec(SCHEMA);
    const columns = "namespace, key, value, created_at, updated_at";
    const newestFirst = "ORDER BY updated_at DESC, namespace, key";
    this.#selectOne = db.prepare(`SELECT ${columns} FROM store_items WHERE namespace = ? AND key = ?`);
    this.#selectAll = db.prepare(`SELECT ${columns} FROM store_items ${newestFirst}`);
    this.#selectUnder = db.prepare(
      `SELECT ${columns} FROM store_items
       WHERE namespace = ? OR (namespace >= ? AND namespace < ?) ${newestFirst}`,
    );
    this.#selectNamespaces = db.prepare("SELECT DISTINCT namespace FROM store_items");
    this.#upsert = db.prepare(
      `INSERT INTO store_items (namespace, key, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
    this.#remove = db.prepare("DELETE FROM store_items WHERE namespace = ? AND key = ?");
    const newest = db.prepare("SELECT MAX(updated_at) AS ms FROM store_items").get() as { ms: number | null };
    this.#lastWriteMs = newest.ms ?? 0;
  }

  /** Runs get, search, put (a null value deletes) and listNamespaces operations; results keep their order. */
  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const run = this.#connection.db.transaction((ops: Operation[]): ResultOf[] => {
      const results: ResultOf[] = [];
      const puts = new Map<string, PutOperation>();
      for (const op of ops) {
        if ("namespacePrefix" in op) {
          results.push(this.#search(op));
        } else if ("value" in op) {
          validateNamespace(op.namespace, { allowReservedRoot: true });
          puts.set(JSON.stringify([op.namespace, op.key]), op);
          results.push(undefined);
        } else if ("key" in op && "namespace" in op) {
          validateNamespace(op.namespace, { allowReservedRoot: true });
          results.push(this.#get(op));
        } else if ("limit" in op || "offset" in op || "matchConditions" in op) {
          results.push(this.#listNamespaces(op));
        } else {
          throw new Error(`Unsupported store operation: ${JSON.stringify(op)}`);
        }
      }
      for (const op of puts.values()) this.#put(op);
      return results;
    });
    return (await this.#connection.run(() => run(operations))) as OperationResults<Op>;
  }

  #get(op: GetOperation): Item | null {
    const row = this.#selectOne.get(joinNamespace(op.namespace), op.key);
    return row ? toItem(row) : null;
  }

  #search(op: SearchOperation): SearchItem[] {
    const offset = op.offset ?? 0;
    const limit = op.limit ?? DEFAULT_SEARCH_LIMIT;
    const rows = this.#rowsUnder(op.namespacePrefix);
    const { filter, query } = op;
    const passes = (item: Item) => !filter || matchesFilter(item.value, filter);

    if (!query) {
      // Rows come newest first, so stop reading once the page is full.
      const page: SearchItem[] = [];
      let skipped = 0;
      for (const row of rows) {
        if (page.length >= limit) break;
        const item = toItem(row);
        if (!passes(item)) continue;
        if (skipped < offset) skipped += 1;
        else page.push(item);
      }
      return page;
    }

    const terms = queryTerms(query);
    const scored: SearchItem[] = [];
    for (const row of rows) {
      const item = toItem(row);
      if (!passes(item)) continue;
      const score = lexicalScore(terms, item.value);
      if (score > 0) scored.push({ ...item, score });
    }
    // A stable sort keeps the SQL order (newest first, then namespace and key) among equal scores.
    scored.sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
    return scored.slice(offset, offset + limit);
  }

  #rowsUnder(prefix: string[]): IterableIterator<ItemRow> {
    if (prefix.length === 0) return this.#selectAll.iterate();
    validateNamespace(prefix, { allowReservedRoot: true });
    const { low, high } = descendantRange(prefix);
    return this.#selectUnder.iterate(joinNamespace(prefix), low, high);
  }

  #put(op: PutOperation): void {
    const namespace = joinNamespace(op.namespace);
    if (op.value === null) {
      this.#remove.run(namespace, op.key);
      return;
    }
    const now = this.#nextWriteMs();
    this.#upsert.run(namespace, op.key, JSON.stringify(op.value), now, now);
  }

  #listNamespaces(op: ListNamespacesOperation): string[][] {
    let namespaces = this.#selectNamespaces.all().map((row) => splitNamespace(row.namespace));
    const conditions = op.matchConditions ?? [];
    namespaces = namespaces.filter((ns) => conditions.every((condition) => matchesCondition(ns, condition)));
    if (op.maxDepth !== undefined) {
      const truncated = new Map<string, string[]>();
      for (const ns of namespaces) {
        const head = ns.slice(0, op.maxDepth);
        truncated.set(joinNamespace(head), head);
      }
      namespaces = [...truncated.values()];
    }
    namespaces.sort(compareNamespaces);
    const offset = op.offset ?? 0;
    return namespaces.slice(offset, op.limit === undefined ? undefined : offset + op.limit);
  }

  /** Wall-clock milliseconds, nudged forward so that every write is newer than the last. */
  #nextWriteMs(): number {
    this.#lastWriteMs = Math.max(Date.now(), this.#lastWriteMs + 1);
    return this.#lastWriteMs;
  }
}

function toItem(row: ItemRow): Item {
  return {
    namespace: splitNamespace(row.namespace),
    key: row.key,
    value: JSON.parse(row.value) as Record<string, unknown>,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
