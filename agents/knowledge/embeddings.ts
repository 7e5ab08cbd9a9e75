import { createHash } from "node:crypto";
import type { Chunk } from "./chunk.ts";

/** Turns texts into vectors: an embeddings model behind any OpenAI-compatible `/v1/embeddings`. */
export interface Embedder {
  /** The profile that made it, e.g. `openai:nomic-embed-text`: it names the vectors' cache. */
  readonly id: string;
  /** One vector per text, in order. */
  embed(texts: readonly string[], options?: { signal?: AbortSignal | undefined }): Promise<number[][]>;
}

/** The text of a chunk that is embedded: its title, heading, glossary aliases and text. */
export function embeddingText(chunk: Pick<Chunk, "title" | "section" | "text" | "aliases">): string {
  return [chunk.title, chunk.section, chunk.aliases, chunk.text].filter((part) => part.trim() !== "").join("\n");
}

/** The content hash a vector is cached under: the same text embeds the same, whatever chunk it is. */
export function contentHash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A vector scaled to length 1, so that a dot product is the cosine. */
export function normalized(vector: readonly number[]): Float32Array {
  const out = Float32Array.from(vector);
  const length = Math.hypot(...out);
  if (length > 0) for (let i = 0; i < out.length; i += 1) out[i]! /= length;
  return out;
}

/** The cosine of two normalized vectors. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) dot += a[i]! * b[i]!;
  return dot;
}
