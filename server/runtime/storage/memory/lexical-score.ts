/**
 * Deterministic lexical relevance for store search, standing in for vector similarity so that
 * memory recall works offline: the share of the query's distinct words found in the value.
 */

/** Words so common that they would make every item overlap with every question. */
const STOP_WORDS: ReadonlySet<string> = new Set([
  "a",
  "an",
  "and",
  "are",
  "as",
  "at",
  "be",
  "by",
  "did",
  "do",
  "does",
  "for",
  "from",
  "has",
  "have",
  "how",
  "in",
  "is",
  "it",
  "its",
  "of",
  "on",
  "or",
  "that",
  "the",
  "this",
  "to",
  "was",
  "were",
  "what",
  "when",
  "where",
  "which",
  "who",
  "why",
  "with",
]);

/** Lowercased words (letters and digits) of a text, in order, repeats kept. */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/**
 * The distinct words of a query that count for relevance: stop words are dropped, unless the
 * query has nothing else.
 */
export function queryTerms(query: string): string[] {
  const words = [...new Set(tokenize(query))];
  const meaningful = words.filter((word) => !STOP_WORDS.has(word));
  return meaningful.length > 0 ? meaningful : words;
}

/**
 * Fraction (0..1) of `terms` that occur among the words of `value`'s text fields and numbers.
 * Field names are left out, so a query for "status" does not match every item with a status.
 *
 * @example
 * lexicalScore(queryTerms("claim 123 denied"), { note: "Claim 123 was approved" }) // 2/3
 */
export function lexicalScore(terms: readonly string[], value: unknown): number {
  if (terms.length === 0) return 0;
  const words = new Set<string>();
  for (const text of leafTexts(value)) for (const word of tokenize(text)) words.add(word);
  const found = terms.filter((term) => words.has(term)).length;
  return found / terms.length;
}

function* leafTexts(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (typeof value === "number" || typeof value === "boolean") yield String(value);
  else if (Array.isArray(value)) for (const item of value) yield* leafTexts(item);
  else if (typeof value === "object" && value !== null) for (const item of Object.values(value)) yield* leafTexts(item);
}
