import pg from "pg";
import type { Logger } from "pino";

/** Anything that runs a query: the pool, or one client inside a transaction. */
export type Queryable = Pick<pg.Pool, "query">;

const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;

/**
 * How values come back, on Guild's own pools only (pg's global parsers are left alone): counts and
 * numbers as JS numbers, instants as ISO strings like the SQLite store's, dates as `YYYY-MM-DD`.
 */
const guildTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === OID.int8 || oid === OID.numeric) return (value: string) => Number(value);
    if (oid === OID.timestamptz) return (value: string) => new Date(value).toISOString();
    if (oid === OID.date || oid === OID.timestamp) return (value: string) => value;
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

/**
 * A pool for one part of Guild (the runtime's tables, a pack's back-end), whose connections use
 * `schema` first. An idle connection the server drops is logged, not fatal: the pool replaces it.
 */
export function createPool(connectionString: string, options: { schema: string; max: number; name: string; log: Logger }): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max,
    application_name: `guild ${options.name}`,
    options: `-c search_path=${options.schema},public`,
    types: guildTypes,
    idleTimeoutMillis: 30_000,
  });
  pool.on("error", (error) =>
    options.log.warn({ err: error, pool: options.name }, "an idle database connection failed; it will be replaced"),
  );
  return pool;
}
