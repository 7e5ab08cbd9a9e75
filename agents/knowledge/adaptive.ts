import { fuseByRank } from "./fusion.ts";
import { DEFAULT_LIMIT, type Passage, type Retriever } from "./retriever.ts";
import { queryTerms } from "./text.ts";

/** How one search went; reported for every attempt so the caller can say what happened. */
export interface RetrievalAttempt {
  query: string;
  topScore: number;
  /** Share (0 to 1) of the query's terms that the top passage matched. */
  coverage: number;
  passages: number;
  weak: boolean;
}

export interface RetrievalResult {
  passages: Passage[];
  attempts: RetrievalAttempt[];
  /** Whether a reformulated query was searched. */
  reformulated: boolean;
}

export interface AdaptiveRetrievalOptions {
  /** Produces the next query after a weak attempt: a model's rewrite, or `expandQuery`. */
  reformulate: (query: string, attempt: RetrievalAttempt) => Promise<string>;
  limit?: number;
  /** Below this share of query terms matched by the top passage, an attempt is weak. */
  minCoverage?: number;
  /** Fewer passages than this, and an attempt is weak. */
  minPassages?: number;
  maxAttempts?: number;
}

/** The least an attempt counts for in the fusion, however weak. */
const MIN_ATTEMPT_WEIGHT = 0.1;

interface Run {
  attempt: RetrievalAttempt;
  passages: Passage[];
}

/**
 * Searches, and when the result is weak asks for a reformulated query and searches again,
 * up to maxAttempts. Stops early when the reformulation adds no new terms.
 */
export async function retrieveAdaptively(retriever: Retriever, query: string, options: AdaptiveRetrievalOptions): Promise<RetrievalResult> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const minCoverage = options.minCoverage ?? 0.5;
  const minPassages = options.minPassages ?? 2;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 2);

  const runs: Run[] = [];
  let current = query;
  for (;;) {
    const passages = await retriever.search(current, { limit });
    const attempt = assess(current, passages, minCoverage, minPassages);
    runs.push({ attempt, passages });
    if (!attempt.weak || runs.length >= maxAttempts) break;
    const next = (await options.reformulate(current, attempt)).trim();
    if (next === "" || runs.some((run) => termKey(run.attempt.query) === termKey(next))) break;
    current = next;
  }
  return {
    // Fused by rank, each attempt trusted as far as it covered its query: a weaker attempt can add
    // passages, never push out a stronger one's best.
    passages: fuseByRank(
      runs.map((run) => run.passages),
      limit,
      { weights: runs.map((run) => Math.max(MIN_ATTEMPT_WEIGHT, run.attempt.coverage)) },
    ),
    attempts: runs.map((run) => run.attempt),
    reformulated: runs.length > 1,
  };
}

function assess(query: string, passages: readonly Passage[], minCoverage: number, minPassages: number): RetrievalAttempt {
  const terms = queryTerms(query);
  const matched = new Set(queryTerms(passages[0]?.matchedTerms.join(" ") ?? ""));
  const coverage = terms.length === 0 ? 0 : terms.filter((t) => matched.has(t)).length / terms.length;
  return {
    query,
    topScore: passages[0]?.score ?? 0,
    coverage,
    passages: passages.length,
    weak: passages.length < minPassages || coverage < minCoverage,
  };
}

/** Queries that differ only in stop words or word forms search the same terms. */
function termKey(query: string): string {
  return [...new Set(queryTerms(query))].sort().join(" ");
}
