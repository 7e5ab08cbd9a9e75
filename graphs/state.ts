import { Annotation } from "@langchain/langgraph";
import { ReplacedValue } from "./channels.ts";
import type { Passage } from "../agents/knowledge/index.ts";
import type { ProposedCall, StepEvidence, StepReport, ToolExchange, Usage } from "../agents/models/index.ts";
import type { Decision } from "./approval/index.ts";
import type { Gate } from "./policy.ts";
import { addRunUsage, emptyRunUsage, type UsageTally, type UsageEntry } from "./usage.ts";

export type StepStatus = "pending" | "active" | "done" | "redirected";

/** One step of the plan as the run tracks it. */
export interface PlanStep {
  id: string;
  specialist: string;
  instruction: string;
  status: StepStatus;
}

/** The work of the active step: what it read, what it called, what waits for a decision. */
export interface StepWork {
  stepId: string;
  specialist: string;
  instruction: string;
  passages: Passage[];
  /** How well the passages answer the instruction (absent until retrieval, and in older checkpoints). */
  evidence?: StepEvidence;
  history: ToolExchange[];
  pending: ProposedCall[];
  /** A further search the specialist asked for, not yet run. */
  search?: string;
  /** Further searches run in this step. */
  searches: string[];
  turn: number;
  /** How often a reviewer answered a call of this step with `respond`. */
  responses: number;
  /** Tokens the step's model used so far, when the server reports them. */
  usage?: Usage;
  /**
   * The policy's verdict on each pending call, by call id, taken once when the calls are proposed
   * so that routing, the approval and the tool node agree even if the back-end changes meanwhile.
   */
  gates?: Record<string, Gate>;
}

/** Something a reviewer taught this run, saved to long-term memory at the end. */
export interface TaughtLesson {
  specialist: string;
  tool?: string;
  text: string;
  /** The case it is about (the claim an edit changed the payment of); none when it holds in general. */
  case?: string;
}

export interface RunAnswer {
  answer: string;
  citations: { source: string; excerpt: string }[];
}

/** A channel a node replaces whole; it keeps `undefined` too, in every checkpoint (see ReplacedValue). */
const replace = <T>(fallback: () => T) => new ReplacedValue<T>(fallback);

/** The state of one run of a pack's graph. */
export const GuildState = Annotation.Root({
  task: Annotation<string>(),
  planApproval: replace<boolean>(() => false),
  lessons: replace<string[]>(() => []),
  /** Recalled lessons by the specialist they were taught to (runs from before it have none: they use `lessons`). */
  specialistLessons: replace<Record<string, string[]> | undefined>(() => undefined),
  plan: replace<PlanStep[]>(() => []),
  planRevision: replace<number>(() => 0),
  planFeedback: replace<string | undefined>(() => undefined),
  planRejected: replace<string | undefined>(() => undefined),
  /** Set when a reviewer redirected a step: the supervisor re-plans the steps after it, with this message. */
  replan: replace<string | undefined>(() => undefined),
  cursor: replace<number>(() => 0),
  step: replace<StepWork | undefined>(() => undefined),
  decisions: Annotation<Record<string, Decision>>({ reducer: (a, b) => ({ ...a, ...b }), default: () => ({}) }),
  facts: Annotation<Record<string, unknown>>({ reducer: (a, b) => ({ ...a, ...b }), default: () => ({}) }),
  reports: Annotation<StepReport[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }),
  learned: Annotation<TaughtLesson[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }),
  result: replace<RunAnswer | undefined>(() => undefined),
  /** How often the final answer was sent back (respond) or a step added to it (redirect). */
  answerRevision: replace<number>(() => 0),
  /** A reviewer's feedback on earlier drafts of the answer, oldest first. */
  answerFeedback: replace<string[]>(() => []),
  /** Where the answer's approval sends the run: release it, write it again, or run an added step. */
  answerNext: replace<"release" | "rewrite" | "step" | undefined>(() => undefined),
  usage: Annotation<UsageTally, UsageEntry>({ reducer: addRunUsage, default: emptyRunUsage }),
});

export type GuildStateType = typeof GuildState.State;
export type GuildUpdate = typeof GuildState.Update;
