export { readDocuments, type KnowledgeDocument } from "./documents.ts";
export { splitDocument, CHUNK_SIZE, type Chunk } from "./chunk.ts";
export { buildKnowledgeBase, mergeKnowledgeBases, type KnowledgeBase } from "./knowledge-base.ts";
export type { Passage, Retriever, SearchOptions } from "./retriever.ts";
export { parseGlossary, type GlossaryEntry } from "./glossary.ts";
export { expandQuery } from "./expand.ts";
export { queryTerms, tokenize, normalizeToken, termWords } from "./text.ts";
export { termStats, type TermStats } from "./term-stats.ts";
export { fuseByRank } from "./fusion.ts";
export {
  assessEvidence,
  contentTerms,
  coverage,
  focusOf,
  plainFocus,
  recordReferences,
  sentenceEvidence,
  WEAK_EVIDENCE,
  type Evidence,
  type Focus,
  type FocusTerm,
  type SentenceEvidence,
} from "./evidence.ts";
export { answerType, answerTypes, holdsAnswer, type AnswerType } from "./answer-type.ts";
export {
  retrieveAdaptively,
  type AdaptiveRetrievalOptions,
  type RetrievalAttempt,
  type RetrievalResult,
} from "./adaptive.ts";
export { embedKnowledge, type EmbeddingReport } from "./hybrid.ts";
export { EmbeddingCache } from "./embedding-cache.ts";
export { contentHash, cosine, embeddingText, normalized, type Embedder } from "./embeddings.ts";
