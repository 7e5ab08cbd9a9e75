import type { ChatOpenAICompletions, ChatOpenAIFields } from "@langchain/openai";
import type { BaseMessage } from "@langchain/core/messages";
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from "../retry.ts";
import { tokenRelay, type TokenRelay } from "../token-relay.ts";
import type {
  ActRequest,
  ActResult,
  GuildModel,
  ModelCallOptions,
  ModelInfo,
  PlannedStep,
  PlanRequest,
  ReformulateRequest,
  SynthesizeRequest,
  Usage,
} from "../types.ts";
import { priced, type ModelPrices } from "../usage.ts";
import { checkPlan, checkToolCalls } from "./checks.ts";
import { classifyOpenAIError } from "./failure.ts";
import { actMessages, planMessages, planResponseFormat, reformulateMessages, synthesizeMessages, toolDefinitions } from "./prompts.ts";
import { answerWithRepair } from "./repair.ts";
import { streamReply, type ChunkStreamer, type Reply } from "./stream.ts";

/** OpenAI's reasoning models, which accept only their default temperature (LangChain's own rule). */
const isReasoningModel = (model: string): boolean => /^o\d/.test(model) || (model.startsWith("gpt-5") && !model.startsWith("gpt-5-chat"));

export interface OpenAIModelOptions {
  model: string;
  apiKey?: string | undefined;
  baseUrl?: string | undefined;
  /** Timeouts and retries; the defaults where absent. */
  retry?: Partial<RetryPolicy> | undefined;
  /** Prices of this model, for the cost in usage. */
  prices?: ModelPrices | undefined;
  /** The model can look at images: tools that answer with images are offered to it, and it is shown theirs. */
  acceptsImages?: boolean;
}

/**
 * A GuildModel over any OpenAI-compatible chat completions server (OpenAI, Ollama, vLLM, llama.cpp,
 * LM Studio): structured output for plans, native tool calling for specialists, every answer
 * streamed with the server's usage, one repair for an answer that does not validate, and
 * timeouts and retries of its own.
 */
export class OpenAIModel implements GuildModel {
  readonly info: ModelInfo;
  readonly acceptsImages: boolean;
  private readonly fields: ChatOpenAIFields;
  /** The LangChain client, made at the first call: `@langchain/openai` is loaded only when a model is used. */
  private client: Promise<ChatOpenAICompletions> | undefined;
  private readonly policy: RetryPolicy;
  private readonly prices: ModelPrices | undefined;

  constructor(options: OpenAIModelOptions) {
    this.info = { provider: "openai", name: options.model };
    this.acceptsImages = options.acceptsImages ?? false;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.prices = options.prices;
    // The Chat Completions API, always: ChatOpenAI would send a model whose name says "codex" to
    // the Responses API, which OpenAI-compatible servers do not have.
    this.fields = {
      model: options.model,
      apiKey: options.apiKey ?? "not-needed",
      configuration: options.baseUrl ? { baseURL: options.baseUrl } : {},
      // Guild times out on silence (withRetries); the openai client's own 10-minute cap on a whole
      // request would cut off a long answer that is still streaming.
      timeout: 24 * 60 * 60 * 1000,
      // Reasoning models (o1, o3, gpt-5, ...) refuse any temperature but their own.
      ...(isReasoningModel(options.model) ? {} : { temperature: 0 }),
      // Guild owns timeouts and retries (withRetries): LangChain's caller would retry again under
      // it, with a backoff that cannot be set. The openai client LangChain makes never retries.
      maxRetries: 0,
      streamUsage: true,
    };
  }

  private chat(): Promise<ChatOpenAICompletions> {
    this.client ??= import("@langchain/openai").then(({ ChatOpenAICompletions }) => new ChatOpenAICompletions(this.fields));
    return this.client;
  }

  async plan(request: PlanRequest, options: ModelCallOptions = {}): Promise<{ steps: PlannedStep[]; usage?: Usage }> {
    const ids = request.specialists.map((s) => s.id);
    const model = (await this.chat()).withConfig({ response_format: planResponseFormat(ids) });
    const { value, usage } = await answerWithRepair({
      messages: planMessages(request),
      ask: (messages) => this.complete(model, messages, "plan", options.signal),
      check: (reply) => checkPlan(reply, ids),
      correction: (error) =>
        `That plan is not valid: ${error}. Answer again with only the JSON object {"steps": [{"specialist": "<id>", "instruction": "<text>"}]}, using the specialist ids listed: ${ids.join(", ")}.`,
      cause: "invalid_plan",
      what: `${this.info.name} failed to plan: its plan did not validate`,
    });
    return { steps: value, ...this.usage(usage) };
  }

  async act(request: ActRequest, options: ModelCallOptions = {}): Promise<ActResult> {
    const model = (await this.chat()).bindTools(toolDefinitions(request.specialist));
    const what = `act as ${request.specialist.name}`;
    // One relay for the answer and its repair: text the repair repeats is not streamed twice.
    const relay = tokenRelay(options.onToken);
    const {
      value: calls,
      reply,
      usage,
    } = await answerWithRepair({
      messages: actMessages(request),
      ask: (messages) => this.complete(model, messages, what, options.signal, relay),
      check: (reply) => checkToolCalls(reply, request.specialist.tools),
      correction: (error) =>
        `Those tool calls are not valid: ${error}. Call your tools again with arguments that are valid JSON and follow each tool's parameters, or answer in text if no tool is needed.`,
      cause: "invalid_tool_call",
      what: `${this.info.name} failed to ${what}: its tool call did not validate`,
    });
    if (calls.length > 0) {
      return {
        kind: "tool_calls",
        calls: calls.map((c, i) => ({ id: `${request.callIdPrefix}${c.id || i}`, name: c.name, args: c.args })),
        ...this.usage(usage),
      };
    }
    const cited = request.passages.filter((_, i) => reply.text.includes(`[${i + 1}]`)).map((p) => p.id);
    return { kind: "done", summary: reply.text, citedPassageIds: cited, ...this.usage(usage) };
  }

  async reformulate(request: ReformulateRequest, options: ModelCallOptions = {}): Promise<{ query: string; usage?: Usage }> {
    const reply = await this.complete(await this.chat(), reformulateMessages(request), "reformulate a query", options.signal);
    return { query: reply.text.trim() || request.query, ...this.usage(reply.usage) };
  }

  async synthesize(request: SynthesizeRequest, options: ModelCallOptions = {}): Promise<{ answer: string; usage?: Usage }> {
    const reply = await this.complete(
      await this.chat(),
      synthesizeMessages(request),
      "write the answer",
      options.signal,
      tokenRelay(options.onToken),
    );
    return { answer: reply.text, ...this.usage(reply.usage) };
  }

  /** One streamed call under the timeout and retry policy; text goes to `onToken` once, across retries. */
  private complete(
    model: ChunkStreamer,
    messages: BaseMessage[],
    what: string,
    signal?: AbortSignal,
    relay: TokenRelay = tokenRelay(undefined),
  ): Promise<Reply> {
    return withRetries(
      (attemptSignal, alive) => streamReply(model, messages, { signal: attemptSignal, onChunk: alive, onText: relay.attempt() }),
      {
        policy: this.policy,
        signal,
        classify: classifyOpenAIError,
        what: `${this.info.name} failed to ${what}`,
      },
    );
  }

  private usage(usage: Usage | undefined): { usage?: Usage } {
    return usage ? { usage: priced(usage, this.prices) } : {};
  }
}
