/** A retrieved piece of knowledge, with what a model needs to cite it. */
export interface Passage {
  /** The chunk id, stable across runs, e.g. "home-policy-wording.md#3". */
  id: string;
  /** "<file name> § <section heading>", or just the file name when there is no heading. */
  source: string;
  /** The document's title. */
  title: string;
  section: string;
  /** The whole chunk. */
  text: string;
  /** The chunk's best-matching sentence(s), at most about 320 characters. */
  excerpt: string;
  /** Higher is better; comparable only between passages of the same query. */
  score: number;
  /** The query's words (lowercased) that this passage matched. */
  matchedTerms: string[];
}

export interface SearchOptions {
  /** How many passages at most; 4 when absent. */
  limit?: number;
}

/** Finds passages for a query: full-text (BM25), or hybrid when passages are embedded. */
export interface Retriever {
  search(query: string, options?: SearchOptions): Promise<Passage[]>;
}

export const DEFAULT_LIMIT = 4;
