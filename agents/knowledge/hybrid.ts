import { GuildError } from "../errors/index.ts";
import { EmbeddingCache } from "./embedding-cache.ts";
import { contentHash, embeddingText, normalized, type Embedder } from "./embeddings.ts";
import type { KnowledgeBase } from "./knowledge-base.ts";

/** How many texts go to the embeddings server in one request. */
const BATCH = 64;
// Vectors made in this process, by embedder and content hash: a second runtime (a test, the eval's
// run of each question) does not embed the same passages again, even with a cache of its own.
const made = new Map<string, Map<string, Float32Array>>();

/** What embedding knowledge bases did: passages embedded now, and found already embedded. */
export interface EmbeddingReport {
  embedded: number;
  cached: number;
}

/**
 * Embeds every chunk of the knowledge bases (each distinct text once) and attaches the vectors,
 * which makes their search hybrid. A vector is looked up by the content hash of its text in this
 * process, then in the cache on disk (`cacheDir`), and asked of the embedder only when neither
 * has it; the cache is saved after.
 * @example await embedKnowledge(pack.specialists.map((s) => s.knowledge), embedder, path.join(dataDir, "embeddings"))
 */
export async function embedKnowledge(
  bases: readonly KnowledgeBase[],
  embedder: Embedder,
  cacheDir: string | undefined,
  options: { signal?: AbortSignal } = {},
): Promise<EmbeddingReport> {
  const memo = made.get(embedder.id) ?? new Map<string, Float32Array>();
  made.set(embedder.id, memo);
  const cache = cacheDir ? new EmbeddingCache(cacheDir, embedder.id) : undefined;
  const hashes = new Map<string, string>();
  const missing = new Map<string, string>();
  let cached = 0;
  for (const base of bases) {
    for (const chunk of base.chunks) {
      const text = embeddingText(chunk);
      const hash = contentHash(text);
      hashes.set(chunk.id, hash);
      if (memo.has(hash) || missing.has(hash)) continue;
      const stored = cache?.get(hash);
      if (stored) {
        memo.set(hash, stored);
        cached += 1;
      } else missing.set(hash, text);
    }
  }
  const pending = [...missing];
  for (let i = 0; i < pending.length; i += BATCH) {
    const batch = pending.slice(i, i + BATCH);
    const vectors = await embedder.embed(
      batch.map(([, text]) => text),
      options,
    );
    if (vectors.length !== batch.length)
      throw new GuildError("model_error", `${embedder.id} returned ${vectors.length} vectors for ${batch.length} passages`);
    batch.forEach(([hash], j) => {
      const vector = normalized(vectors[j]!);
      memo.set(hash, vector);
      cache?.set(hash, vector);
    });
  }
  for (const base of bases) {
    base.attachVectors(new Map(base.chunks.map((c) => [c.id, memo.get(hashes.get(c.id)!)!])), embedder);
  }
  cache?.save();
  return { embedded: missing.size, cached };
}
