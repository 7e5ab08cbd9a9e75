import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import {
  chunks,
  completion,
  contentText,
  forcedFunction,
  usageOf,
  type AssistantMessage,
  type ChatCompletionRequest,
  type ReportedUsage,
  type StreamDialect,
} from "./openai-wire.ts";

export type { ChatCompletionRequest, ReportedUsage, StreamDialect } from "./openai-wire.ts";

/**
 * A tool call the scripted model makes. Object arguments are sent as JSON, as OpenAI does; string
 * arguments are sent as they are, so a script can send JSON that does not parse.
 */
export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown> | string;
}

/**
 * What the scripted model says: text, tool calls, a structured value (answered the way the request
 * asked for structured output), or a fault: an HTTP error (with headers such as `retry-after`),
 * an answer that comes late, or one whose connection is dropped part-way.
 */
export type ScriptedReply =
  | { content: string }
  /** Tool calls, with text before them when `content` is given (as small models often write). */
  | { toolCalls: ScriptedToolCall[]; content?: string }
  | { structured: unknown }
  | { status: number; message?: string; headers?: Record<string, string> }
  | { delayMs: number; then: ScriptedReply }
  | { cutAfter: number; then: ScriptedReply };

/** Faults a script can answer with. */
export const fault = {
  /** 429 Too Many Requests, asking the client to wait (`retry-after` in seconds, or `retry-after-ms`). */
  rateLimited: (wait: { seconds: number } | { ms: number }): ScriptedReply => ({
    status: 429,
    message: "Rate limit reached, slow down",
    headers: "seconds" in wait ? { "retry-after": String(wait.seconds) } : { "retry-after-ms": String(wait.ms) },
  }),
  serverError: (message = "the model is down"): ScriptedReply => ({ status: 500, message }),
  /** Answers after `delayMs`, unless the client gives up first. */
  slow: (delayMs: number, then: ScriptedReply): ScriptedReply => ({ delayMs, then }),
  /** Sends the first `events` server-sent events of the answer (bytes / 10 when not streamed), then drops the connection. */
  cut: (events: number, then: ScriptedReply): ScriptedReply => ({ cutAfter: events, then }),
};

/** Decides the reply from the request, as a model would; `index` counts requests from 0. */
export type ScriptHandler = (
  request: ChatCompletionRequest,
  context: { index: number; headers: IncomingHttpHeaders },
) => ScriptedReply | Promise<ScriptedReply>;

/** One handler for every request, or a queue consumed one handler per request. */
export type Script = ScriptHandler | ScriptHandler[];

export interface ScriptedOpenAI {
  /** Base URL ending in `/v1`, for `baseURL` / `openaiBaseUrl`. */
  url: string;
  /** Every request body received on any path, in order. */
  requests: ChatCompletionRequest[];
  /** The headers of each request, in the same order as `requests`. */
  headers: IncomingHttpHeaders[];
  /** The method and path of each request, in the same order as `requests`. */
  paths: string[];
  /** When each request arrived (ms since the epoch), in the same order as `requests`. */
  times: number[];
  /** The usage sent back with each complete answer, in order. */
  usage: ReportedUsage[];
  /** Indexes of the requests whose client went away before the answer was complete (not counting scripted cuts). */
  abandoned: number[];
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

type Answer = Extract<ScriptedReply, { content: string } | { toolCalls: ScriptedToolCall[] } | { structured: unknown }>;

/** Turns a reply into the assistant message OpenAI would send, honouring how structured output was asked for. */
function assistantMessage(request: ChatCompletionRequest, reply: Answer, nextCallId: () => string): AssistantMessage {
  if ("toolCalls" in reply) {
    const toolCalls = reply.toolCalls.map((c) => ({
      id: nextCallId(),
      name: c.name,
      arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments),
    }));
    return { content: reply.content ?? null, toolCalls };
  }
  if ("content" in reply) return { content: reply.content, toolCalls: [] };
  const json = JSON.stringify(reply.structured);
  const type = request.response_format?.type;
  if (type === "json_schema" || type === "json_object") return { content: json, toolCalls: [] };
  const forced = forcedFunction(request);
  if (forced) return { content: null, toolCalls: [{ id: nextCallId(), name: forced, arguments: json }] };
  return { content: json, toolCalls: [] };
}

function sendError(res: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify({
    error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", param: null, code: null },
  });
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

/** Resolves after `ms`, or as soon as the response closes (the client gave up). */
function waitOrClose(res: http.ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off("close", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.on("close", done);
  });
}

/**
 * Starts an OpenAI-compatible Chat Completions server on 127.0.0.1 whose answers come from a
 * script, and records what it was sent.
 * @example
 * const server = await startScriptedOpenAI([() => fault.rateLimited({ seconds: 0 }), () => ({ content: "hello" })]);
 * new ChatOpenAI({ model: "test-small", apiKey: "k", configuration: { baseURL: server.url } });
 */
export async function startScriptedOpenAI(script: Script, options: { dialect?: StreamDialect } = {}): Promise<ScriptedOpenAI> {
  const requests: ChatCompletionRequest[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const paths: string[] = [];
  const times: number[] = [];
  const usage: ReportedUsage[] = [];
  const abandoned: number[] = [];
  /** Responses the script itself cut short, told apart from clients that went away. */
  const cut = new WeakSet<http.ServerResponse>();
  const drop = (res: http.ServerResponse): void => {
    cut.add(res);
    res.destroy();
  };
  let calls = 0;
  const nextCallId = () => `call_${String(++calls).padStart(4, "0")}`;

  const handlerFor = (index: number): ScriptHandler =>
    (typeof script === "function" ? script : script[index]) ??
    (() => ({ status: 500, message: `the script has no reply for request ${index + 1}` }));

  /** Writes a reply; faults may wrap it. `cutAfter` drops the connection after that many events. */
  const answer = async (
    res: http.ServerResponse,
    request: ChatCompletionRequest,
    index: number,
    reply: ScriptedReply,
    cutAfter?: number,
  ): Promise<void> => {
    if ("delayMs" in reply) {
      await waitOrClose(res, reply.delayMs);
      if (!res.destroyed) await answer(res, request, index, reply.then, cutAfter);
      return;
    }
    if ("cutAfter" in reply) return answer(res, request, index, reply.then, reply.cutAfter);
    if ("status" in reply) return sendError(res, reply.status, reply.message ?? `scripted error ${reply.status}`, reply.headers);

    const message = assistantMessage(request, reply, nextCallId);
    const reported = usageOf(request, message);
    const id = `chatcmpl-${index + 1}`;
    const created = Math.floor(Date.now() / 1000);
    if (!request.stream) {
      const text = JSON.stringify(completion(id, created, request, message, reported));
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      if (cutAfter !== undefined) {
        await new Promise<void>((resolve) => res.write(text.slice(0, cutAfter * 10), () => resolve()));
        return drop(res);
      }
      usage.push(reported);
      res.end(text);
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const events = chunks(id, created, request, message, reported, options.dialect);
    for (const [n, event] of events.entries()) {
      if (n === cutAfter) return drop(res);
      // Each event leaves before the next is written, so a cut falls between events the client has seen.
      await new Promise<void>((resolve) => res.write(`data: ${JSON.stringify(event)}\n\n`, () => resolve()));
    }
    // A streamed answer reports usage only when asked to, as OpenAI does.
    if (request.stream_options?.include_usage) usage.push(reported);
    res.end("data: [DONE]\n\n");
  };

  const server = http.createServer(async (req, res) => {
    const arrived = Date.now();
    let index = -1;
    res.on("close", () => {
      if (index >= 0 && !res.writableFinished && !cut.has(res)) abandoned.push(index);
    });
    try {
      const raw = await readBody(req);
      const path = (req.url ?? "").split("?")[0];
      let body: ChatCompletionRequest;
      try {
        body = (raw ? JSON.parse(raw) : {}) as ChatCompletionRequest;
      } catch {
        body = { model: "", messages: [], unparsed: raw };
      }
      index = requests.push(body) - 1;
      headers.push(req.headers);
      paths.push(`${req.method} ${path}`);
      times.push(arrived);
      if (req.method !== "POST" || path !== "/v1/chat/completions") return sendError(res, 404, `no route for ${req.method} ${path}`);
      if (!Array.isArray(body.messages)) return sendError(res, 400, "messages must be an array");
      await answer(res, body, index, await handlerFor(index)(body, { index, headers: req.headers }));
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
    times,
    usage,
    abandoned,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
