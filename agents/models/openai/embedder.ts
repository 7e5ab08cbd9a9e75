import { z } from "zod";
import type { Embedder } from "../../knowledge/index.ts";
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from "../retry.ts";
import { classifyOpenAIError } from "./failure.ts";

export interface OpenAIEmbedderOptions {
  model: string;
  apiKey?: string | undefined;
  /** The server's base URL ending in /v1; OpenAI's when absent. */
  baseUrl?: string | undefined;
  retry?: Partial<RetryPolicy> | undefined;
}

const EmbeddingsAnswer = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: z.array(z.number()).min(1) })),
});

/** An error shaped as the openai client's, so that one classifier reads both: status, headers, the server's message. */
function httpError(status: number, headers: Headers, body: string): Error {
  let message = body.slice(0, 300);
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } };
    if (parsed.error?.message) message = parsed.error.message;
  } catch {
    // Not JSON: the body as it is.
  }
  return Object.assign(new Error(message), { status, headers, error: { message } });
}

/**
 * Embeddings from any OpenAI-compatible server (`POST /v1/embeddings`: OpenAI, Ollama, vLLM,
 * llama.cpp, LM Studio), one request per batch of texts, under the same inactivity timeout and
 * retries as chat calls.
 */
export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  private readonly url: string;
  private readonly policy: RetryPolicy;

  constructor(private readonly options: OpenAIEmbedderOptions) {
    this.id = `openai:${options.model}`;
    this.url = `${(options.baseUrl ?? "https://api.openai.com/v1").replace(/\/+$/, "")}/embeddings`;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal | undefined } = {}): Promise<number[][]> {
    if (texts.length === 0) return [];
    return withRetries(
      async (signal, alive) => {
        const response = await fetch(this.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${this.options.apiKey ?? "not-needed"}` },
          body: JSON.stringify({ model: this.options.model, input: texts, encoding_format: "float" }),
          signal,
        });
        alive();
        const body = await response.text();
        if (!response.ok) throw httpError(response.status, response.headers, body);
        const parsed = EmbeddingsAnswer.safeParse(JSON.parse(body));
        if (!parsed.success || parsed.data.data.length !== texts.length) {
          throw new Error(`the server's answer is not ${texts.length} embeddings`);
        }
        return [...parsed.data.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      },
      {
        policy: this.policy,
        signal: options.signal,
        classify: classifyOpenAIError,
        what: `${this.options.model} failed to embed ${texts.length} text${texts.length === 1 ? "" : "s"}`,
      },
    );
  }
}
