/** How the scripted server writes Chat Completions answers: whole, or as `chat.completion.chunk` events. */

/** The parts of a Chat Completions request body that a script looks at. */
export interface ChatCompletionRequest {
  model: string;
  messages: { role: string; content?: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  tool_choice?: unknown;
  response_format?: { type: "text" | "json_object" | "json_schema"; json_schema?: { name: string; schema?: unknown; strict?: boolean } };
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

export interface ReportedUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** The assistant message of an answer; tool call `arguments` are sent as given, even when they are not JSON. */
export interface AssistantMessage {
  content: string | null;
  toolCalls: { id: string; name: string; arguments: string }[];
}

export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content.map((part) => (part && typeof part === "object" && "text" in part ? String(part.text) : "")).join("");
  return "";
}

export function forcedFunction(request: ChatCompletionRequest): string | undefined {
  const choice = request.tool_choice as { type?: string; function?: { name?: string } } | string | undefined;
  return typeof choice === "object" && choice?.type === "function" ? choice.function?.name : undefined;
}

/** A deterministic token count: words and punctuation marks, so usage is never zero for real text. */
function countTokens(text: string): number {
  return (text.match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? []).length;
}

/** The usage a server reports for a request and its answer. */
export function usageOf(request: ChatCompletionRequest, message: AssistantMessage): ReportedUsage {
  const prompt =
    request.messages.reduce((n, m) => n + 4 + countTokens(contentText(m.content)) + countTokens(JSON.stringify(m.tool_calls ?? "")), 0) +
    countTokens(JSON.stringify(request.tools ?? "")) +
    countTokens(JSON.stringify(request.response_format ?? ""));
  const completion = Math.max(
    1,
    countTokens(message.content ?? "") + message.toolCalls.reduce((n, c) => n + countTokens(c.name) + countTokens(c.arguments), 0),
  );
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** A whole `chat.completion` body. */
export function completion(id: string, created: number, request: ChatCompletionRequest, message: AssistantMessage, usage: ReportedUsage) {
  return {
    id,
    object: "chat.completion",
    created,
    model: request.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: message.content,
          refusal: null,
          ...(message.toolCalls.length
            ? {
                tool_calls: message.toolCalls.map((c) => ({
                  id: c.id,
                  type: "function",
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: message.toolCalls.length ? "tool_calls" : "stop",
      },
    ],
    usage,
  };
}

/** Splits text into word-sized pieces that join back to it exactly. */
function pieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? (text ? [text] : []);
}

/**
 * How a server streams. `openai`: each tool call under its own `index`, its arguments in pieces;
 * the finish reason in a chunk with an empty delta. `ollama`: each tool call whole in a chunk of
 * its own, every one with `index: 0` and its own id (ollama#15457), which a client must tell apart
 * by id. `bare-finish`: as `openai`, but the finishing chunk has no `delta` at all, which LangChain
 * skips, finish reason and all.
 */
export type StreamDialect = "openai" | "ollama" | "bare-finish";

/** The `chat.completion.chunk` payloads of a streamed answer, as the server sends them; usage only when asked for. */
export function chunks(
  id: string,
  created: number,
  request: ChatCompletionRequest,
  message: AssistantMessage,
  usage: ReportedUsage,
  dialect: StreamDialect = "openai",
): unknown[] {
  const chunk = (delta: unknown, finish: string | null = null) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model: request.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(request.stream_options?.include_usage ? { usage: null } : {}),
  });
  const out: unknown[] = [chunk({ role: "assistant", content: "", refusal: null })];
  for (const piece of pieces(message.content ?? "")) out.push(chunk({ content: piece }));
  message.toolCalls.forEach((call, index) => {
    if (dialect === "ollama") {
      out.push(
        chunk({ tool_calls: [{ index: 0, id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } }] }),
      );
      return;
    }
    out.push(chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }));
    const half = Math.ceil(call.arguments.length / 2);
    for (const part of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
      if (part) out.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  });
  const finish = message.toolCalls.length ? "tool_calls" : "stop";
  if (dialect === "bare-finish") {
    out.push({ id, object: "chat.completion.chunk", created, model: request.model, choices: [{ index: 0, finish_reason: finish }] });
  } else out.push(chunk({}, finish));
  if (request.stream_options?.include_usage)
    out.push({ id, object: "chat.completion.chunk", created, model: request.model, choices: [], usage });
  return out;
}
