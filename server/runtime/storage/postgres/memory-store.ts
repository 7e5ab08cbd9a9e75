import { PostgresStore } from "@langchain/langgraph-checkpoint-postgres/store";
import type { Logger } from "pino";
import type { Operation, OperationResults, SearchItem, SearchOperation } from "@langchain/langgraph-checkpoint";
import { lexicalScore, queryTerms } from "../memory/lexical-score.ts";

/** How many items under a namespace a query is scored over; lessons and run summaries stay far below it. */
const SCORED_AT_MOST = 10_000;

const isQuery = (op: Operation): op is SearchOperation & { query: string } =>
  "namespacePrefix" in op && typeof op.query === "string" && op.query.length > 0;

/**
 * LangGraph's `PostgresStore`, with the same recall as the embedded store: a search with a query
 * ranks the items by the share of the query's words they contain. The store's own full-text
 * search (`plainto_tsquery`) needs every word of the query in an item, so a task of twenty words
 * would recall no lesson; Guild recalls by overlap on both engines, so that moving to Postgres
 * changes nothing a specialist remembers.
 */
export class RecallingPostgresStore extends PostgresStore {
  constructor(config: ConstructorParameters<typeof PostgresStore>[0], log: Logger) {
    super(config);
    // The store makes its own pg pool and listens to none of its errors: an idle connection the
    // server closes (a restart, a failover) would be an uncaught exception that ends the process.
    const pool = (this as unknown as { core?: { pool?: { on(event: "error", listener: (error: Error) => void): void } } }).core?.pool;
    pool?.on("error", (error) => log.warn({ err: error, pool: "memory" }, "an idle database connection failed; it will be replaced"));
  }

  override async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    if (!operations.some(isQuery)) return super.batch(operations);
    // Queries read every item under their prefix (with the filter), then rank them here.
    const unranked = operations.map((op) => (isQuery(op) ? { ...op, query: undefined, offset: 0, limit: SCORED_AT_MOST } : op)) as Op;
    const results = (await super.batch(unranked)) as unknown[];
    return operations.map((op, i) => (isQuery(op) ? rank(results[i] as SearchItem[], op) : results[i])) as OperationResults<Op>;
  }

  override search(namespacePrefix: string[], options: Parameters<PostgresStore["search"]>[1] = {}): Promise<SearchItem[]> {
    const { query, filter, limit = 10, offset = 0 } = options;
    if (!query) return super.search(namespacePrefix, options);
    return this.batch([{ namespacePrefix, query, limit, offset, ...(filter ? { filter } : {}) }]).then(([items]) => items ?? []);
  }
}

/** Newest first among equal scores, as the store lists them; items with no word of the query are not recalled. */
function rank(items: readonly SearchItem[], op: SearchOperation & { query: string }): SearchItem[] {
  const terms = queryTerms(op.query);
  const offset = op.offset ?? 0;
  return items
    .map((item) => ({ ...item, score: lexicalScore(terms, item.value) }))
    .filter((item) => item.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(offset, offset + (op.limit ?? 10));
}
