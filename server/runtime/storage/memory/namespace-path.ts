import type { MatchCondition } from "@langchain/langgraph-checkpoint";

/**
 * Joins namespace labels in the `store_items.namespace` column. `validateNamespace` forbids
 * periods in labels, so joining and splitting round-trip exactly.
 */
export const NAMESPACE_SEPARATOR = ".";

/** Joins namespace labels into the text kept in the `namespace` column. */
export function joinNamespace(namespace: readonly string[]): string {
  return namespace.join(NAMESPACE_SEPARATOR);
}

/** Splits a `namespace` column value back into its labels. */
export function splitNamespace(joined: string): string[] {
  return joined.split(NAMESPACE_SEPARATOR);
}

/**
 * The half-open text range `[low, high)` holding every joined namespace strictly below `prefix`.
 * `high` swaps the trailing separator for the next code point, so `a.b` covers `a.b.c` and
 * never `a.bc`, and SQLite can answer it from the primary-key index.
 */
export function descendantRange(prefix: readonly string[]): { low: string; high: string } {
  const low = joinNamespace(prefix) + NAMESPACE_SEPARATOR;
  const next = String.fromCharCode(NAMESPACE_SEPARATOR.charCodeAt(0) + 1);
  return { low, high: low.slice(0, -1) + next };
}

/** Whether a namespace satisfies a listNamespaces condition; `"*"` matches any one label. */
export function matchesCondition(namespace: readonly string[], condition: MatchCondition): boolean {
  const { matchType, path } = condition;
  if (matchType !== "prefix" && matchType !== "suffix") {
    throw new Error(`Unsupported match type: ${String(matchType)}`);
  }
  if (path.length > namespace.length) return false;
  const start = matchType === "prefix" ? 0 : namespace.length - path.length;
  return path.every((label, i) => label === "*" || namespace[start + i] === label);
}

/** Orders namespaces label by label, by code unit, so listings do not depend on the locale. */
export function compareNamespaces(a: readonly string[], b: readonly string[]): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i += 1) {
    const left = a[i] as string;
    const right = b[i] as string;
    if (left !== right) return left < right ? -1 : 1;
  }
  return a.length - b.length;
}
