import { GuildError } from "../errors/index.ts";
import type { Failpoint } from "../faults/index.ts";
import type { RetryOptions } from "./retry.ts";

/** The SQL engines a pack's back-end can run on. */
export type SqlDialect = "sqlite" | "postgres";

/** A tool's SQL per dialect (one string the loader gives to both when the pack wrote one). */
export type DialectSql = Readonly<Partial<Record<SqlDialect, string>>>;

/** What an effect returned, and whether it had already run under the same idempotency key. */
export interface EffectOutcome {
  result: unknown;
  replayed: boolean;
}

/**
 * A pack's domain back-end: reads for query tools, exactly-once writes for effect tools.
 * Errors are `GuildError`s: `invalid_pack` when the SQL has no text for this dialect, and
 * `tool_error` otherwise, whose `details.transient` tells "the back-end is unavailable" (locked or
 * unreachable past the retry budget) from "the back-end refused" (a constraint, a trigger, a bad
 * statement).
 */
export interface Backend {
  readonly dialect: SqlDialect;
  query(sql: DialectSql, args: Record<string, unknown>, shape: "row" | "rows"): Promise<unknown>;
  /**
   * Runs the effect unless `idempotencyKey` already ran; the key is stored in the same transaction
   * as the effect. Each of `checks` (a pack's preconditions) runs first in that transaction: a row
   * with a `violation` refuses the effect (a `tool_error`, not transient, naming the violations).
   */
  effect(
    sql: DialectSql,
    args: Record<string, unknown>,
    shape: "row" | "rows",
    idempotencyKey: string,
    tool: string,
    checks?: readonly DialectSql[],
  ): Promise<EffectOutcome>;
  /** Counts rows of a table matching simple equality filters; for checks and tests of effects. */
  count(table: string, where?: Record<string, string | number>): Promise<number>;
  close(): Promise<void>;
}

/** What the rows of a pack's precondition say is wrong: the text of each row's `violation`. */
export function violationsIn(rows: readonly unknown[]): string[] {
  return rows.map((row) => (row as { violation?: unknown }).violation).filter((v): v is string => typeof v === "string" && v !== "");
}

/** The effect a precondition refused, and why: the `violation` of each row its checks returned. */
export function violated(tool: string, rows: readonly unknown[]): GuildError | undefined {
  const violations = violationsIn(rows);
  if (violations.length === 0) return undefined;
  return new GuildError("tool_error", `${tool} was not done: ${violations.join("; ")}`, { details: { transient: false, violations } });
}

/** What both engines take beside their location and seed. */
export interface BackendOptions {
  /** Called just before and just after an effect commits (crash tests arm it). */
  failpoint?: Failpoint;
  /** How long and how often to retry a locked or unreachable back-end. */
  retry?: RetryOptions;
}
