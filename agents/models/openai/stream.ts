import type { AIMessageChunk, BaseMessage } from "@langchain/core/messages";
import type { Usage } from "../types.ts";
import { StreamCutError } from "./failure.ts";

/** A tool call as the server sent it: the arguments are the raw text, not yet parsed. */
export interface RawToolCall {
  id: string;
  name: string;
  args: string;
}

/** A model's whole answer, gathered from its stream. */
export interface Reply {
  text: string;
  toolCalls: RawToolCall[];
  /** As the server reported it; absent when the server does not report usage. */
  usage?: Usage;
  finishReason: string;
}

/** A chat model, plain or bound to tools or a response format. */
export interface ChunkStreamer {
  stream(input: BaseMessage[], options: { signal: AbortSignal }): Promise<AsyncIterable<AIMessageChunk>>;
}

function textOf(chunk: AIMessageChunk): string {
  const content = chunk.content;
  return typeof content === "string" ? content : content.map((c) => ("text" in c ? String(c.text) : "")).join("");
}

/**
 * The tool calls of a gathered answer, with their argument text as sent. LangChain's own
 * `tool_calls` of a streamed message are read with a partial-JSON parser, which turns a truncated
 * `{"amount": 36` into `{amount: 36}`: a silent wrong action. These are parsed strictly later.
 * The chunks are taken as LangChain merged them, by index and id: Ollama sends parallel calls all
 * with index 0, told apart only by their ids.
 */
function rawToolCalls(message: AIMessageChunk): RawToolCall[] {
  return (message.tool_call_chunks ?? []).map((chunk) => ({ id: chunk.id ?? "", name: chunk.name ?? "", args: chunk.args ?? "" }));
}

/**
 * Streams one answer and gathers it: text deltas go to `onText` as they come; usage is the
 * server's (`stream_options.include_usage`), never estimated with a downloaded tokenizer, which is
 * what `invoke()` on a streaming ChatOpenAI would do. Every chunk is told to `onChunk`. A stream that breaks off after it began, or
 * ends without a finish reason, is a StreamCutError.
 */
export async function streamReply(
  model: ChunkStreamer,
  messages: BaseMessage[],
  options: { signal: AbortSignal; onChunk?: () => void; onText?: ((delta: string) => void) | undefined },
): Promise<Reply> {
  const { signal, onText } = options;
  let message: AIMessageChunk | undefined;
  try {
    for await (const chunk of await model.stream(messages, { signal })) {
      options.onChunk?.();
      message = message ? message.concat(chunk) : chunk;
      const delta = textOf(chunk);
      if (delta) onText?.(delta);
    }
  } catch (error) {
    if (message === undefined || signal.aborted) throw error;
    const why =
      error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ""}` : String(error);
    throw new StreamCutError(why, { cause: error });
  }
  // ChatOpenAI ends a stream quietly when its signal aborts: what came so far is not an answer.
  if (signal.aborted) throw signal.reason;
  const finishReason = message?.response_metadata?.finish_reason;
  const u = message?.usage_metadata;
  // The usage chunk comes after the finish: a stream that reported usage was finished, even when
  // its finishing chunk had no delta for LangChain to keep the reason from.
  if (message === undefined || (typeof finishReason !== "string" && !u))
    throw new StreamCutError("the stream ended before the server finished the answer");
  const toolCalls = rawToolCalls(message);
  return {
    text: textOf(message),
    toolCalls,
    ...(u ? { usage: { inputTokens: u.input_tokens, outputTokens: u.output_tokens } } : {}),
    finishReason: typeof finishReason === "string" ? finishReason : toolCalls.length > 0 ? "tool_calls" : "stop",
  };
}
