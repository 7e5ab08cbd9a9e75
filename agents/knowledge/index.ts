export { readDocuments, type KnowledgeDocument } from "./documents.ts";
export { splitDocument, CHUNK_SIZE } from "./chunk.ts";
export { buildKnowledgeBase, mergeKnowledgeBases, type KnowledgeBase } from "./knowledge-base.ts";
export type { Passage, Retriever } from "./retriever.ts";
export { parseGlossary, type GlossaryEntry } from "./glossary.ts";
export { expandQuery } from "./expand.ts";
export { queryTerms, tokenize, normalizeToken, termWords } from "./text.ts";
export { termStats } from "./term-stats.ts";
export { fuseByRank } from "./fusion.ts";
export {
  assessEvidence,
  contentTerms,
  coverage,
  focusOf,
  PLACEHOLDER,
  plainFocus,
  recordReferences,
  sentenceEvidence,
  WEAK_EVIDENCE,
  type Evidence,
  type Focus,
  type FocusTerm,
} from "./evidence.ts";
export { answerType, answerTypes, holdsAnswer } from "./answer-type.ts";
export {
  retrieveAdaptively,
  type RetrievalAttempt,
  type RetrievalResult,
} from "./adaptive.ts";
export { embedKnowledge } from "./hybrid.ts";
export { EmbeddingCache } from "./embedding-cache.ts";
export { normalized, type Embedder } from "./embeddings.ts";
