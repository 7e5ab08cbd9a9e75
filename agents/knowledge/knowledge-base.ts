import MiniSearch from "minisearch";
import { splitDocument, type Chunk } from "./chunk.ts";
import type { KnowledgeDocument } from "./documents.ts";
import { makeExcerpt } from "./excerpt.ts";
import { DEFAULT_LIMIT, type Passage, type Retriever, type SearchOptions } from "./retriever.ts";
import { processTerm, termWords, tokenize } from "./text.ts";

/** A specialist's indexed documents. */
export interface KnowledgeBase extends Retriever {
  readonly documents: readonly { name: string; title: string; chunks: number }[];
}

// A heading names what a clause is about, so a hit there counts double. A title is shared by
// every chunk of its document, so a hit there says little about any one chunk.
const BOOST = { section: 2, title: 0.5 };

/**
 * Splits and indexes documents for BM25 search over chunk text, section heading and title.
 * Prefix and fuzzy matching stay off: on short policy clauses they surface near-misses
 * ("cover" for "covert") more often than they rescue a typo.
 */
export async function buildKnowledgeBase(docs: KnowledgeDocument[]): Promise<KnowledgeBase> {
  const duplicate = docs.find((d, i) => docs.findIndex((o) => o.name === d.name) !== i);
  if (duplicate) throw new Error(`Knowledge document "${duplicate.name}" is listed twice`);

  const chunksByDoc = await Promise.all(docs.map(splitDocument));
  const chunks = new Map(chunksByDoc.flat().map((c) => [c.id, c]));
  const index = new MiniSearch<Chunk>({
    fields: ["text", "section", "title"],
    tokenize: (text) => tokenize(text),
    processTerm: (term) => processTerm(term),
    searchOptions: { boost: BOOST, prefix: false, fuzzy: false, combineWith: "OR" },
  });
  index.addAll([...chunks.values()]);

  const documents = Object.freeze(
    docs.map((d, i) =>
      Object.freeze({ name: d.name, title: d.title, chunks: chunksByDoc[i]?.length ?? 0 }),
    ),
  );
  return {
    documents,
    search(query: string, options: SearchOptions = {}): Passage[] {
      const limit = Math.max(0, Math.floor(options.limit ?? DEFAULT_LIMIT));
      const words = termWords(query);
      if (words.size === 0 || limit === 0) return [];
      return index.search(query).slice(0, limit).flatMap((result) => {
        const chunk = chunks.get(result.id as string);
        return chunk ? [toPassage(chunk, result.score, result.queryTerms, words)] : [];
      });
    },
  };
}

function toPassage(
  chunk: Chunk,
  score: number,
  matched: readonly string[],
  words: ReadonlyMap<string, string>,
): Passage {
  const terms = new Set(matched);
  return {
    id: chunk.id,
    source: chunk.section ? `${chunk.document} § ${chunk.section}` : chunk.document,
    title: chunk.title,
    section: chunk.section,
    text: chunk.text,
    excerpt: makeExcerpt(chunk.text, terms),
    score,
    // In query order, so the same query always reports its matches the same way.
    matchedTerms: [...words].filter(([term]) => terms.has(term)).map(([, word]) => word),
  };
}
