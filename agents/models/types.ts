import type { Focus, Passage } from "../knowledge/index.ts";
import type { ArgSpec } from "../packs/manifest.ts";
import type { GlossaryEntry } from "../knowledge/index.ts";
import type { ToolImage } from "../mcp/types.ts";

/** Which model answered: shown by the CLI, the UI and /api/health, so nobody mistakes one for another. */
export interface ModelInfo {
  provider: "offline" | "openai";
  name: string;
}

/** Tokens a model call used, as the server reported them (never estimated). */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** What the tokens cost, when the model's profile names prices; in the prices' currency. */
  cost?: number;
}

/**
 * Why a model call failed, in `GuildError.details.cause` of a `model_error`: the server was slow,
 * busy, broken or unreachable, refused the request, dropped a streamed answer, or the model's
 * answer did not validate even after one repair.
 */
export type ModelFailureCause =
  | "timeout"
  | "rate_limited"
  | "server_error"
  | "network"
  | "stream_cut"
  | "refused"
  | "invalid_plan"
  | "invalid_tool_call"
  | "unexpected";

export interface ModelCallOptions {
  signal?: AbortSignal;
  /** Receives text as it is generated; live only. */
  onToken?: (delta: string) => void;
}

export interface ToolCard {
  name: string;
  description: string;
  kind: "query" | "effect";
  args: Readonly<Record<string, ArgSpec>>;
  returns: readonly string[];
}

export interface SpecialistCard {
  id: string;
  name: string;
  description: string;
  tools: readonly ToolCard[];
}

/** One step of a plan: which specialist does what. */
export interface PlannedStep {
  specialist: string;
  instruction: string;
}

/** What one specialist's own knowledge and tools hold for one part of a task. */
export interface SpecialistEvidence {
  specialist: string;
  /** How well its best passage covers the part's weighted content words, 0 to 1, scaled down for a part that says little ("pay it"). */
  knowledge: number;
  /** Its tools that fit the part: query tools by how well they cover it (0 to 1), effects the part asks for at 1. */
  tools: readonly { name: string; fit: number }[];
  /** Where its best passages come from. */
  sources: readonly string[];
}

/** The evidence for one part (clause) of a task, per specialist. */
export interface PartEvidence {
  part: string;
  /** The clause of the part that asks or orders ("Check the cover"), the rest being its context. */
  head?: string;
  specialists: readonly SpecialistEvidence[];
}

export interface PlanRequest {
  task: string;
  specialists: readonly SpecialistCard[];
  /** What each specialist's knowledge and tools hold for each part of the task (absent when re-planning). */
  evidence?: readonly PartEvidence[];
  /** What earlier runs and reviewers taught, as sentences. */
  lessons: readonly string[];
  /** A reviewer's answer to the previous proposal. */
  feedback?: string;
  /** The previous proposal, when revising it (after a redirect: the steps still to do). */
  previous?: readonly PlannedStep[];
  /** After a redirect: the steps already done or handed over; only `previous`, the rest, is re-planned. */
  done?: readonly PlannedStep[];
}

/** A tool call a specialist proposes; `id` is unique within the run. */
export interface ProposedCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
  /**
   * The call's part of its effect's idempotency key, when not its id: a retry of an effect that
   * failed for want of the back-end keeps its first attempt's key, so it runs at most once in all.
   */
  key?: string;
}

/** What became of a proposed call. */
export interface ToolExchange extends ProposedCall {
  status: "done" | "failed" | "rejected" | "responded";
  result?: unknown;
  /** The reviewer's message, or the failure. */
  message?: string;
  /** Images the tool answered with, kept only for a model that accepts images. */
  images?: ToolImage[];
}

/** How well a step's retrieval answers its instruction, as the engine measured it. */
export interface StepEvidence {
  /** What the instruction is about: its content words, weighted by how telling they are, and the kind of value it asks for. */
  focus: Focus;
  /** The best passage's coverage of the focus, 0 to 1. */
  strength: number;
  weak: boolean;
  /** Content words no passage covers well. */
  missing: readonly string[];
  /** The documents searched: the specialist's own, or every document of the pack after a fallback. */
  searched: readonly string[];
  /** The specialist's own documents were weak, so the pack-wide index was searched too. */
  fallback: boolean;
  /** What the instruction names that only the back-end can know about: identifiers, people's names. */
  references: readonly string[];
}

export interface ActRequest {
  task: string;
  specialist: SpecialistCard;
  instruction: string;
  passages: readonly Passage[];
  /** How well the passages answer the instruction (absent from older checkpoints). */
  evidence?: StepEvidence;
  /** Facts known so far in the run: identifiers from the task and fields of tool results. */
  facts: Readonly<Record<string, unknown>>;
  /** Calls made in this step so far, in order. */
  history: readonly ToolExchange[];
  lessons: readonly string[];
  /** Searches the specialist asked for in this step, beyond the first retrieval. */
  searches: readonly string[];
  /** Prefix for the ids of proposed calls, unique per step and turn. */
  callIdPrefix: string;
}

export type ActResult =
  | { kind: "tool_calls"; calls: ProposedCall[]; usage?: Usage }
  /** Search the specialist's knowledge again, for something the first retrieval did not bring. */
  | { kind: "search"; query: string; usage?: Usage }
  | { kind: "done"; summary: string; citedPassageIds: string[]; usage?: Usage };

export interface ReformulateRequest {
  query: string;
  task: string;
  glossary: readonly GlossaryEntry[];
}

/** What one step achieved, for the final answer. */
export interface StepReport {
  specialist: string;
  specialistName: string;
  instruction: string;
  summary: string;
  actions: readonly ToolExchange[];
  citations: readonly { source: string; excerpt: string }[];
}

export interface SynthesizeRequest {
  task: string;
  steps: readonly StepReport[];
  /** Set when the run ends without doing its plan (for example, the plan was rejected). */
  notDone?: readonly string[];
  /** A reviewer's answers to earlier drafts of this answer, oldest first: revise for them. */
  feedback?: readonly string[];
}

/**
 * The model behind the supervisor and the specialists. The offline model implements it with
 * deterministic rules; the openai provider with a chat model, structured output and tool calling.
 */
export interface GuildModel {
  readonly info: ModelInfo;
  /** Whether the model can look at images (tool results such as a part's inspection image). */
  readonly acceptsImages?: boolean;
  plan(request: PlanRequest, options?: ModelCallOptions): Promise<{ steps: PlannedStep[]; usage?: Usage }>;
  act(request: ActRequest, options?: ModelCallOptions): Promise<ActResult>;
  reformulate(request: ReformulateRequest, options?: ModelCallOptions): Promise<{ query: string; usage?: Usage }>;
  synthesize(request: SynthesizeRequest, options?: ModelCallOptions): Promise<{ answer: string; usage?: Usage }>;
}
