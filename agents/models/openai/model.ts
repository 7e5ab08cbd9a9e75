import { ChatOpenAI } from "@langchain/openai";
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { z } from "zod";
import { GuildError } from "../../errors/index.ts";
import { toolArgsSchema } from "../../tools/index.ts";
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

export interface OpenAIModelOptions {
  model: string;
  apiKey?: string;
  baseUrl?: string;
}

const PlanSchema = z.object({
  steps: z.array(z.object({ specialist: z.string(), instruction: z.string() })).min(1),
});

function usageOf(message: { usage_metadata?: { input_tokens: number; output_tokens: number } }): Usage | undefined {
  const u = message.usage_metadata;
  return u ? { inputTokens: u.input_tokens, outputTokens: u.output_tokens } : undefined;
}

function textOf(message: BaseMessage): string {
  return typeof message.content === "string" ? message.content : message.content.map((c) => ("text" in c ? String(c.text) : "")).join("");
}

/**
 * A GuildModel over any OpenAI-compatible chat completions server (OpenAI, Ollama, vLLM, llama.cpp,
 * LM Studio): structured output for plans, native tool calling for specialists.
 */
/** Failures of the model server become model_error, naming the model, so a run fails clearly. */
async function calling<T>(model: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GuildError) throw error;
    throw new GuildError("model_error", `${model} failed to ${what}: ${(error as Error).message}`, { cause: error });
  }
}

export class OpenAIModel implements GuildModel {
  readonly info: ModelInfo;
  private readonly chat: ChatOpenAI;

  constructor(options: OpenAIModelOptions) {
    this.info = { provider: "openai", name: options.model };
    this.chat = new ChatOpenAI({
      model: options.model,
      apiKey: options.apiKey ?? "not-needed",
      configuration: options.baseUrl ? { baseURL: options.baseUrl } : {},
      temperature: 0,
      maxRetries: 2,
      streamUsage: true,
    });
  }

  async plan(request: PlanRequest, options: ModelCallOptions = {}): Promise<{ steps: PlannedStep[]; usage?: Usage }> {
    const roster = request.specialists.map((s) => `- ${s.id}: ${s.description}`).join("\n");
    const messages = [
      new SystemMessage(
        `You are the supervisor of a team of specialists. Split the task into ordered steps, each given to one specialist by id, with a short instruction.\nSpecialists:\n${roster}` +
          (request.lessons.length ? `\nLessons from reviewers and earlier runs:\n${request.lessons.map((l) => `- ${l}`).join("\n")}` : ""),
      ),
      new HumanMessage(
        request.feedback
          ? `Task: ${request.task}\nYour previous plan: ${JSON.stringify(request.previous ?? [])}\nReviewer feedback: ${request.feedback}\nRevise the plan.`
          : `Task: ${request.task}`,
      ),
    ];
    const structured = this.chat.withStructuredOutput(PlanSchema, { name: "plan", includeRaw: true });
    const out = await calling(this.info.name, "plan", () => structured.invoke(messages, { signal: options.signal }));
    if (!out.parsed) throw new GuildError("model_error", "the supervisor's plan did not validate");
    const usage = usageOf(out.raw as AIMessage);
    return { steps: out.parsed.steps, ...(usage ? { usage } : {}) };
  }

  async act(request: ActRequest, options: ModelCallOptions = {}): Promise<ActResult> {
    const tools = request.specialist.tools.map((t) => ({
      type: "function" as const,
      function: { name: t.name, description: t.description, parameters: z.toJSONSchema(toolArgsSchema(t.args)) },
    }));
    const passages = request.passages.map((p, i) => `[${i + 1}] ${p.source}: ${p.text}`).join("\n\n");
    const history = request.history.map((h) => `- ${h.name}(${JSON.stringify(h.args)}) -> ${h.status}${h.result !== undefined ? `: ${JSON.stringify(h.result)}` : ""}${h.message ? ` (${h.message})` : ""}`);
    const messages = [
      new SystemMessage(
        `You are ${request.specialist.name}. ${request.specialist.description}\nUse your tools when the instruction needs them; call each tool at most once unless a reviewer asked for a change. When finished, answer in a few sentences citing passages as [n].` +
          (request.lessons.length ? `\nLessons from reviewers:\n${request.lessons.map((l) => `- ${l}`).join("\n")}` : ""),
      ),
      new HumanMessage(
        `Task: ${request.task}\nYour instruction: ${request.instruction}\nKnown facts: ${JSON.stringify(request.facts)}\nPassages:\n${passages || "(none)"}\nTool calls so far:\n${history.join("\n") || "(none)"}`,
      ),
    ];
    const reply = (await calling(this.info.name, "act", () => this.chat.bindTools(tools).invoke(messages, { signal: options.signal }))) as AIMessage;
    const usage = usageOf(reply);
    const calls = reply.tool_calls ?? [];
    if (calls.length > 0) {
      return {
        kind: "tool_calls",
        calls: calls.map((c, i) => ({ id: `${request.callIdPrefix}${c.id || i}`, name: c.name, args: c.args })),
        ...(usage ? { usage } : {}),
      };
    }
    const summary = textOf(reply);
    const cited = request.passages.filter((_, i) => summary.includes(`[${i + 1}]`)).map((p) => p.id);
    return { kind: "done", summary, citedPassageIds: cited, ...(usage ? { usage } : {}) };
  }

  async reformulate(request: ReformulateRequest, options: ModelCallOptions = {}): Promise<{ query: string; usage?: Usage }> {
    const reply = await calling(this.info.name, "reformulate a query", () => this.chat.invoke(
      [
        new SystemMessage("Rewrite the search query to find the relevant passages in policy and procedure documents. Answer with the query only."),
        new HumanMessage(`Task: ${request.task}\nQuery: ${request.query}`),
      ],
      { signal: options.signal },
    ));
    const usage = usageOf(reply);
    return { query: textOf(reply).trim() || request.query, ...(usage ? { usage } : {}) };
  }

  async synthesize(request: SynthesizeRequest, options: ModelCallOptions = {}): Promise<{ answer: string; usage?: Usage }> {
    const reports = request.steps
      .map((s, i) => `${i + 1}. ${s.specialistName} (${s.instruction}): ${s.summary}\nActions: ${s.actions.map((a) => `${a.name} ${a.status}`).join(", ") || "none"}`)
      .join("\n");
    const messages = [
      new SystemMessage("Write the final answer to the task from the specialists' reports. Say plainly what was done and what was not done."),
      new HumanMessage(`Task: ${request.task}\nReports:\n${reports}${request.notDone?.length ? `\nNot done:\n${request.notDone.join("\n")}` : ""}`),
    ];
    let answer = "";
    let usage: Usage | undefined;
    // Streaming takes usage from the server; it never estimates tokens with a downloaded tokenizer.
    await calling(this.info.name, "write the answer", async () => {
      for await (const chunk of await this.chat.stream(messages, { signal: options.signal })) {
        const delta = textOf(chunk);
        if (delta) {
          answer += delta;
          options.onToken?.(delta);
        }
        usage = usageOf(chunk) ?? usage;
      }
    });
    return { answer, ...(usage ? { usage } : {}) };
  }
}
