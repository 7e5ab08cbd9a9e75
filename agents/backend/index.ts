export { openSqliteBackend } from "./sqlite-backend.ts";
export { openPostgresBackend } from "./postgres-backend.ts";
export { packSchema } from "./dialect.ts";
export { toPositional, namedParameters } from "./placeholders.ts";
export { violationsIn } from "./types.ts";
export type { Backend, BackendOptions, DialectSql, SqlDialect } from "./types.ts";
