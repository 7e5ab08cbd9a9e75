export { openSqliteBackend } from "./sqlite-backend.ts";
export { openPostgresBackend, type PostgresBackendOptions } from "./postgres-backend.ts";
export { packSchema, sqlFor, SQL_DIALECTS } from "./dialect.ts";
export { toPositional, namedParameters, type PositionalSql } from "./placeholders.ts";
export { DEFAULT_BACKEND_RETRY, type RetryOptions } from "./retry.ts";
export type { Backend, BackendOptions, DialectSql, EffectOutcome, SqlDialect } from "./types.ts";
