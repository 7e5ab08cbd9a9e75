export { readDocuments, type KnowledgeDocument } from "./documents.ts";
export { splitDocument, CHUNK_SIZE, type Chunk } from "./chunk.ts";
export { buildKnowledgeBase, type KnowledgeBase } from "./knowledge-base.ts";
export type { Passage, Retriever, SearchOptions } from "./retriever.ts";
export { parseGlossary, type GlossaryEntry } from "./glossary.ts";
export { expandQuery } from "./expand.ts";
export { queryTerms, tokenize, normalizeToken } from "./text.ts";
export {
  retrieveAdaptively,
  type AdaptiveRetrievalOptions,
  type RetrievalAttempt,
  type RetrievalResult,
} from "./adaptive.ts";
