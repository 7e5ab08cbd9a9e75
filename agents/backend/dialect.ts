import { GuildError } from "../errors/index.ts";
import type { DialectSql, SqlDialect } from "./types.ts";

export const SQL_DIALECTS: readonly SqlDialect[] = ["sqlite", "postgres"];

/** The text of `sql` for one engine; a pack that gave none for it cannot run there. */
export function sqlFor(sql: DialectSql, dialect: SqlDialect, tool: string): string {
  const text = sql[dialect];
  if (text === undefined) throw new GuildError("invalid_pack", `${tool} has no SQL for ${dialect}`, { details: { tool, dialect } });
  return text;
}

/** Values as both engines bind them: SQLite has no booleans, so true and false are 1 and 0 on both. */
export function bindable(value: unknown): unknown {
  if (typeof value === "boolean") return Number(value);
  return value === undefined ? null : value;
}

/** A table or column name `count` may put into SQL text. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Refuses a table or column name that is not a plain identifier, before it reaches SQL text. */
export function checkIdentifiers(table: string, columns: readonly string[]): void {
  for (const name of [table, ...columns]) {
    if (!IDENTIFIER.test(name)) throw new GuildError("invalid_input", `not a table or column name: ${name}`);
  }
}

/**
 * The Postgres schema of a pack's back-end: `pack_` and the pack id with `-` as `_`
 * (`insurance-claims` -> `pack_insurance_claims`).
 */
export function packSchema(packId: string): string {
  const schema = `pack_${packId.replace(/-/g, "_")}`;
  if (!/^[a-z][a-z0-9_]*$/.test(schema)) throw new GuildError("invalid_pack", `pack id '${packId}' does not make a schema name`);
  // Postgres cuts longer names to 63 bytes, so two long ids could share one schema.
  if (schema.length > 63)
    throw new GuildError("invalid_pack", `pack id '${packId}' is too long for a Postgres schema name (${schema}, 63 characters at most)`);
  return schema;
}
