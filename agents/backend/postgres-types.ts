import pg from "pg";

/** Postgres type OIDs whose values this back-end reads its own way. */
const OID = {
  bool: 16,
  int8: 20,
  json: 114,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  jsonb: 3802,
} as const;

const asText = (value: string): string => value;

/**
 * Parsers that make a row read on Postgres look like the same row read on SQLite, where there are
 * no 64-bit integers, decimals, dates or booleans: `count(*)` and `numeric` come back as numbers,
 * dates and times as the text Postgres prints (ISO, as the connection's DateStyle asks), booleans
 * as 1 and 0, JSON as its text. Scoped to the back-end's own pool: pg's global parsers, which the
 * rest of the process (and LangGraph's saver) relies on, are left alone.
 */
const TEXT_PARSERS: ReadonlyMap<number, (value: string) => unknown> = new Map<number, (value: string) => unknown>([
  [OID.int8, Number],
  [OID.numeric, Number],
  [OID.bool, (value) => (value === "t" ? 1 : 0)],
  [OID.date, asText],
  [OID.time, asText],
  [OID.timetz, asText],
  [OID.timestamp, asText],
  [OID.timestamptz, asText],
  [OID.interval, asText],
  [OID.json, asText],
  [OID.jsonb, asText],
]);

export const SQLITE_LIKE_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    const own = format === "binary" ? undefined : TEXT_PARSERS.get(oid);
    return own ?? pg.types.getTypeParser(oid, format ?? "text");
  }) as pg.CustomTypesConfig["getTypeParser"],
};
