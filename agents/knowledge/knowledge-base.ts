import MiniSearch from "minisearch";
import { splitDocument, type Chunk } from "./chunk.ts";
import type { KnowledgeDocument } from "./documents.ts";
import { cosine, normalized, type Embedder } from "./embeddings.ts";
import { makeExcerpt } from "./excerpt.ts";
import { fuseByRank } from "./fusion.ts";
import { DEFAULT_LIMIT, type Passage, type Retriever, type SearchOptions } from "./retriever.ts";
import { chunkTerms, termStats, type TermStats } from "./term-stats.ts";
import { processTerm, termWords, tokenize } from "./text.ts";

/** A specialist's indexed documents. */
export interface KnowledgeBase extends Retriever {
  readonly documents: readonly { name: string; title: string; chunks: number }[];
  /** Every chunk, in document order. */
  readonly chunks: readonly Chunk[];
  /** How often each term occurs in the chunks. */
  readonly stats: TermStats;
  /** "bm25" until vectors are attached, "hybrid" after. */
  readonly retrieval: "bm25" | "hybrid";
  /** The chunks' vectors by chunk id and the embedder that made them, once attached. */
  readonly semantic: { vectors: ReadonlyMap<string, Float32Array>; embedder: Embedder } | undefined;
  /**
   * Makes search hybrid: BM25 and the cosine of the query's vector to each chunk's, fused by
   * reciprocal rank. Done once, when the pack is loaded (see `embedKnowledge`).
   */
  attachVectors(vectors: ReadonlyMap<string, Float32Array>, embedder: Embedder): void;
}

/** How many candidates each of BM25 and vector search brings to the fusion. */
const CANDIDATES = 20;
/** How many query vectors an embedder's memo keeps: the same query is searched again by every step and attempt. */
const QUERY_MEMO = 500;
const queryMemos = new WeakMap<Embedder, Map<string, Promise<Float32Array>>>();

/** The query's vector, asked of the embedder once per query. */
function queryVector(embedder: Embedder, query: string): Promise<Float32Array> {
  let memo = queryMemos.get(embedder);
  if (!memo) queryMemos.set(embedder, (memo = new Map()));
  let vector = memo.get(query);
  if (!vector) {
    vector = embedder.embed([query]).then(([v]) => normalized(v ?? []));
    // A failed call is not remembered: the next search asks again.
    vector.catch(() => memo!.delete(query));
    if (memo.size >= QUERY_MEMO) memo.delete(memo.keys().next().value!);
    memo.set(query, vector);
  }
  return vector;
}

// A heading names what a clause is about, so a hit there counts double. A title is shared by
// every chunk of its document, so a hit there says little about any one chunk. A glossary entry's
// aliases find the entry, but a query expanded with those same aliases should not make the
// glossary outrank the clause it points to.
const BOOST = { section: 2, title: 0.5, aliases: 0.5 };

/**
 * Indexes chunks for BM25 search over text, section heading, title and glossary aliases. A query
 * word no chunk has is searched as the known word it most likely misspells (`TermStats.correct`);
 * MiniSearch's own prefix and fuzzy matching stay off, since on short policy clauses they surface
 * near-misses ("cover" for "covert") more often than they rescue a typo.
 */
function indexChunks(chunks: readonly Chunk[], documents: KnowledgeBase["documents"]): KnowledgeBase {
  const byId = new Map(chunks.map((c) => [c.id, c]));
  const stats = termStats(chunks);
  const index = new MiniSearch<Chunk>({
    fields: ["text", "section", "title", "aliases"],
    tokenize: (text) => tokenize(text),
    processTerm: (term) => processTerm(term),
    searchOptions: { boost: BOOST, prefix: false, fuzzy: false, combineWith: "OR" },
  });
  index.addAll([...byId.values()]);
  const known = (term: string): string => stats.correct(term) ?? term;
  let semantic: { vectors: ReadonlyMap<string, Float32Array>; embedder: Embedder } | undefined;

  const lexical = (query: string, words: ReadonlyMap<string, string>, limit: number): Passage[] =>
    index
      .search(query, {
        processTerm: (token) => {
          const term = processTerm(token);
          return term === null ? null : known(term);
        },
      })
      .slice(0, limit)
      .flatMap((result) => {
        const chunk = byId.get(result.id as string);
        return chunk ? [toPassage(chunk, result.score, result.queryTerms, words, stats)] : [];
      });

  const nearest = async (query: string, words: ReadonlyMap<string, string>, limit: number): Promise<Passage[]> => {
    const { vectors, embedder } = semantic!;
    const vector = await queryVector(embedder, query);
    return [...vectors]
      .map(([id, v]) => ({ id, similarity: cosine(vector, v) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, limit)
      .flatMap(({ id, similarity }) => {
        const chunk = byId.get(id);
        if (!chunk) return [];
        const terms = chunkTerms(chunk);
        return [
          toPassage(
            chunk,
            similarity,
            [...words.keys()].filter((t) => terms.has(t)),
            words,
            stats,
          ),
        ];
      });
  };

  return {
    documents,
    chunks,
    stats,
    get retrieval() {
      return semantic ? ("hybrid" as const) : ("bm25" as const);
    },
    get semantic() {
      return semantic;
    },
    attachVectors(vectors, embedder) {
      semantic = { vectors, embedder };
    },
    async search(query: string, options: SearchOptions = {}): Promise<Passage[]> {
      const limit = Math.max(0, Math.floor(options.limit ?? DEFAULT_LIMIT));
      // Each searched term, mapped to the query word it came from (a misspelt word, to its correction).
      const words = new Map([...termWords(query)].map(([term, word]) => [known(term), word]));
      if (words.size === 0 || limit === 0) return [];
      if (!semantic) return lexical(query, words, limit);
      // Hybrid: what the words match and what the meaning is near, fused by rank; BM25's form of a passage is kept.
      const [byWords, byMeaning] = await Promise.all([lexical(query, words, CANDIDATES), nearest(query, words, CANDIDATES)]);
      return fuseByRank([byWords, byMeaning], limit);
    },
  };
}

/** Splits and indexes documents (see `indexChunks`). */
export async function buildKnowledgeBase(docs: KnowledgeDocument[]): Promise<KnowledgeBase> {
  const duplicate = docs.find((d, i) => docs.findIndex((o) => o.name === d.name) !== i);
  if (duplicate) throw new Error(`Knowledge document "${duplicate.name}" is listed twice`);
  const chunksByDoc = await Promise.all(docs.map(splitDocument));
  const documents = Object.freeze(docs.map((d, i) => Object.freeze({ name: d.name, title: d.title, chunks: chunksByDoc[i]?.length ?? 0 })));
  return indexChunks(chunksByDoc.flat(), documents);
}

/**
 * One knowledge base over the documents of several (a pack's, from its specialists'), each
 * document once: the pack-wide index a specialist falls back to when its own evidence is weak.
 */
export function mergeKnowledgeBases(bases: readonly KnowledgeBase[]): KnowledgeBase {
  const documents: KnowledgeBase["documents"][number][] = [];
  const chunks: Chunk[] = [];
  for (const base of bases) {
    for (const doc of base.documents) {
      if (documents.some((d) => d.name === doc.name)) continue;
      documents.push(doc);
      chunks.push(...base.chunks.filter((c) => c.document === doc.name));
    }
  }
  const merged = indexChunks(chunks, Object.freeze(documents));
  // Embedded bases (all by one embedder) make an embedded merge: the same chunks have the same vectors.
  const embedder = bases[0]?.semantic?.embedder;
  if (embedder && bases.every((b) => b.semantic?.embedder === embedder)) {
    merged.attachVectors(new Map(bases.flatMap((b) => [...b.semantic!.vectors])), embedder);
  }
  return merged;
}

function toPassage(chunk: Chunk, score: number, matched: readonly string[], words: ReadonlyMap<string, string>, stats: TermStats): Passage {
  const terms = new Map(matched.map((term) => [term, stats.weight(term)]));
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
