/** What an effect returned, and whether it had already run under the same idempotency key. */
export interface EffectOutcome {
  result: unknown;
  replayed: boolean;
}

/** A pack's domain back-end: reads for query tools, exactly-once writes for effect tools. */
export interface Backend {
  query(sql: string, args: Record<string, unknown>, shape: "row" | "rows"): unknown;
  /** Runs the effect unless `idempotencyKey` already ran; the key is stored in the same transaction. */
  effect(sql: string, args: Record<string, unknown>, shape: "row" | "rows", idempotencyKey: string, tool: string): EffectOutcome;
  /** Counts rows of a table matching simple equality filters; for checks and tests of effects. */
  count(table: string, where?: Record<string, string | number>): number;
  close(): void;
}
