import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** The parts of a Chat Completions request body that a script looks at. */
export interface ChatCompletionRequest {
  model: string;
  messages: { role: string; content?: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  tool_choice?: unknown;
  response_format?: { type: "text" | "json_object" | "json_schema"; json_schema?: { name: string; schema?: unknown } };
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

/** A tool call the scripted model makes; `arguments` is sent as a JSON string, as OpenAI does. */
export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * What the scripted model says: text, tool calls, a structured value (answered the way the request
 * asked for structured output), or an HTTP error.
 */
export type ScriptedReply =
  | { content: string }
  | { toolCalls: ScriptedToolCall[] }
  | { structured: unknown }
  | { status: number; message?: string };

/** Decides the reply from the request, as a model would; `index` counts requests from 0. */
export type ScriptHandler = (request: ChatCompletionRequest, context: { index: number; headers: IncomingHttpHeaders }) => ScriptedReply | Promise<ScriptedReply>;

/** One handler for every request, or a queue consumed one handler per request. */
export type Script = ScriptHandler | ScriptHandler[];

export interface ReportedUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ScriptedOpenAI {
  /** Base URL ending in `/v1`, for `baseURL` / `openaiBaseUrl`. */
  url: string;
  /** Every request body received on any path, in order. */
  requests: ChatCompletionRequest[];
  /** The headers of each request, in the same order as `requests`. */
  headers: IncomingHttpHeaders[];
  /** The method and path of each request, in the same order as `requests`. */
  paths: string[];
  /** The usage sent back with each successful completion, in order. */
  usage: ReportedUsage[];
  close(): Promise<void>;
}

/** The names of the functions offered in `tools`. */
export function offeredTools(request: ChatCompletionRequest): string[] {
  return (request.tools ?? []).map((t) => t.function.name);
}

/** The text of every message of a role, joined; content parts are flattened to their text. */
export function textOf(request: ChatCompletionRequest, role: "system" | "user" | "assistant" | "tool"): string {
  return request.messages
    .filter((m) => m.role === role)
    .map((m) => contentText(m.content))
    .join("\n");
}

/**
 * The name of the structured output asked for: the `response_format` json_schema name, or the
 * function the request forces with `tool_choice`; undefined for free text.
 */
export function structuredOutputName(request: ChatCompletionRequest): string | undefined {
  if (request.response_format?.type === "json_schema") return request.response_format.json_schema?.name;
  return forcedFunction(request);
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => (part && typeof part === "object" && "text" in part ? String(part.text) : "")).join("");
  return "";
}

function forcedFunction(request: ChatCompletionRequest): string | undefined {
  const choice = request.tool_choice as { type?: string; function?: { name?: string } } | string | undefined;
  return typeof choice === "object" && choice?.type === "function" ? choice.function?.name : undefined;
}

/** A deterministic token count: words and punctuation marks, so usage is never zero for real text. */
function countTokens(text: string): number {
  return (text.match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? []).length;
}

function promptTokens(request: ChatCompletionRequest): number {
  const messages = request.messages.reduce((n, m) => n + 4 + countTokens(contentText(m.content)) + countTokens(JSON.stringify(m.tool_calls ?? "")), 0);
  return messages + countTokens(JSON.stringify(request.tools ?? "")) + countTokens(JSON.stringify(request.response_format ?? ""));
}

interface AssistantMessage {
  content: string | null;
  toolCalls: { id: string; name: string; arguments: string }[];
}

/** Turns a reply into the assistant message OpenAI would send, honouring how structured output was asked for. */
function assistantMessage(request: ChatCompletionRequest, reply: Exclude<ScriptedReply, { status: number }>, nextCallId: () => string): AssistantMessage {
  if ("content" in reply) return { content: reply.content, toolCalls: [] };
  if ("toolCalls" in reply) {
    return { content: null, toolCalls: reply.toolCalls.map((c) => ({ id: nextCallId(), name: c.name, arguments: JSON.stringify(c.arguments) })) };
  }
  const json = JSON.stringify(reply.structured);
  const type = request.response_format?.type;
  if (type === "json_schema" || type === "json_object") return { content: json, toolCalls: [] };
  const forced = forcedFunction(request);
  if (forced) return { content: null, toolCalls: [{ id: nextCallId(), name: forced, arguments: json }] };
  return { content: json, toolCalls: [] };
}

function completion(id: string, created: number, request: ChatCompletionRequest, message: AssistantMessage, usage: ReportedUsage) {
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
            ? { tool_calls: message.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })) }
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

/** The `chat.completion.chunk` payloads of a streamed answer, as OpenAI sends them. */
function chunks(id: string, created: number, request: ChatCompletionRequest, message: AssistantMessage, usage: ReportedUsage): unknown[] {
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
    out.push(chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }));
    const half = Math.ceil(call.arguments.length / 2);
    for (const part of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
      if (part) out.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  });
  out.push(chunk({}, message.toolCalls.length ? "tool_calls" : "stop"));
  if (request.stream_options?.include_usage) out.push({ id, object: "chat.completion.chunk", created, model: request.model, choices: [], usage });
  return out;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: http.ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", param: null, code: null } });
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

/**
 * Starts an OpenAI-compatible Chat Completions server on 127.0.0.1 whose answers come from a
 * script, and records what it was sent.
 * @example
 * const server = await startScriptedOpenAI((request) => ({ content: `you offered ${offeredTools(request).join(", ")}` }));
 * new ChatOpenAI({ model: "test-small", apiKey: "k", configuration: { baseURL: server.url } });
 */
export async function startScriptedOpenAI(script: Script): Promise<ScriptedOpenAI> {
  const requests: ChatCompletionRequest[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const paths: string[] = [];
  const usage: ReportedUsage[] = [];
  let calls = 0;
  const nextCallId = () => `call_${String(++calls).padStart(4, "0")}`;

  const reply = async (request: ChatCompletionRequest, index: number, requestHeaders: IncomingHttpHeaders): Promise<ScriptedReply> => {
    const handler = typeof script === "function" ? script : script[index];
    if (!handler) return { status: 500, message: `the script has no reply for request ${index + 1}` };
    return handler(request, { index, headers: requestHeaders });
  };

  const server = http.createServer(async (req, res) => {
    try {
      const raw = await readBody(req);
      const path = (req.url ?? "").split("?")[0];
      let body: ChatCompletionRequest;
      try {
        body = (raw ? JSON.parse(raw) : {}) as ChatCompletionRequest;
      } catch {
        body = { model: "", messages: [], unparsed: raw };
      }
      const index = requests.length;
      requests.push(body);
      headers.push(req.headers);
      paths.push(`${req.method} ${path}`);
      if (req.method !== "POST" || path !== "/v1/chat/completions") return sendError(res, 404, `no route for ${req.method} ${path}`);
      if (!Array.isArray(body.messages)) return sendError(res, 400, "messages must be an array");

      const answer = await reply(body, index, req.headers);
      if ("status" in answer) return sendError(res, answer.status, answer.message ?? `scripted error ${answer.status}`);
      const message = assistantMessage(body, answer, nextCallId);
      const completionTokens = countTokens(message.content ?? "") + message.toolCalls.reduce((n, c) => n + countTokens(c.name) + countTokens(c.arguments), 0);
      const reported: ReportedUsage = { prompt_tokens: promptTokens(body), completion_tokens: Math.max(1, completionTokens), total_tokens: 0 };
      reported.total_tokens = reported.prompt_tokens + reported.completion_tokens;
      const id = `chatcmpl-${index + 1}`;
      const created = Math.floor(Date.now() / 1000);

      if (!body.stream) {
        usage.push(reported);
        return sendJson(res, 200, completion(id, created, body, message, reported));
      }
      // A streamed answer reports usage only when asked to, as OpenAI does.
      if (body.stream_options?.include_usage) usage.push(reported);
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      for (const event of chunks(id, created, body, message, reported)) res.write(`data: ${JSON.stringify(event)}\n\n`);
      res.end("data: [DONE]\n\n");
    } catch (error) {
      if (!res.headersSent) sendError(res, 500, `scripted server failed: ${(error as Error).message}`);
      else res.end();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    headers,
    paths,
    usage,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
