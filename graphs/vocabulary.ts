// The words approvals are told in, each list declared once as a constant with its type derived
// from it, and the data of every event the graph reports. Plain TypeScript importing nothing: the
// engine, the server's contract and (as types) the web client share these declarations.

/** What an approval asks about: the plan, a tool call, or the final answer. */
export const APPROVAL_KINDS = ["plan", "tool_call", "answer"] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

/** What a reviewer may answer an approval with. */
export const DECISION_TYPES = ["approve", "edit", "reject", "respond", "redirect"] as const;
export type DecisionType = (typeof DECISION_TYPES)[number];

/** A reviewer's answer to an approval; `reviewer` names them in the audit trail. */
export type Decision =
  | { type: "approve"; reviewer?: string | undefined }
  | { type: "edit"; args: Record<string, unknown>; reviewer?: string | undefined }
  | { type: "reject"; message?: string | undefined; reviewer?: string | undefined }
  | { type: "respond"; message: string; reviewer?: string | undefined }
  | { type: "redirect"; specialist: string; message?: string | undefined; reviewer?: string | undefined };

/** Which decision types an approval accepts. */
export type AllowedDecisions = Record<DecisionType, boolean>;

export const APPROVAL_STATUSES = ["pending", "approved", "edited", "rejected", "responded", "redirected", "expired"] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** The status an approval takes when a reviewer decides it. */
export const STATUS_OF_DECISION: Readonly<Record<DecisionType, ApprovalStatus>> = {
  approve: "approved",
  edit: "edited",
  reject: "rejected",
  respond: "responded",
  redirect: "redirected",
};

// Every decision type has its variant of `Decision`, and no variant names another type.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const decisionTypesMatch: Exactly<Decision["type"], DecisionType> = true;
void decisionTypesMatch;

/**
 * What a reviewer's card shows of an approval beside its action, as the graph asks it and the
 * contract shows it: declared once, copied from the request to the view field by field.
 */
export interface ApprovalCard {
  specialist?: string;
  /** Why the call is high risk, when a risk rule or a high-risk condition applies. */
  highRisk?: string;
  /** Why the policy asks a reviewer. */
  reasons?: string[];
  /** The card's title in the pack's words: "Pay £3,600.00 to Eleanor Whitfield on claim CLM-1001". */
  title?: string;
  /** Each argument labelled and formatted as the pack says ("Amount": "£3,600.00"); `action.args` keeps the values. */
  shown?: Record<string, { label: string; value: string }>;
  /** Facts the pack shows beside the arguments, looked up when the call was proposed: "Claim status: open". */
  context?: { label: string; value: string }[];
  /** The pack's rules the call breaks ("claim CLM-1001 is already settled"): the reviewer decides knowing them. */
  violations?: string[];
  /** Who may approve or edit it besides a `reviewer`: the roles the policy requires. */
  requiresRoles?: string[];
  /** Four eyes: whoever edited the call may not approve it asked again, whoever started the run may not approve it when high risk. */
  fourEyes?: boolean;
}
export const APPROVAL_CARD_FIELDS = [
  "specialist",
  "highRisk",
  "reasons",
  "title",
  "shown",
  "context",
  "violations",
  "requiresRoles",
  "fourEyes",
] as const satisfies readonly (keyof ApprovalCard)[];
const cardFieldsComplete: Exactly<(typeof APPROVAL_CARD_FIELDS)[number], keyof ApprovalCard> = true;
void cardFieldsComplete;

/** Tokens a model call used, as the server reported them; `cost` in the prices' currency. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cost?: number;
}

export interface Citation {
  source: string;
  excerpt: string;
}

/** One step of the plan as the run tracks it. */
export interface PlanStepData {
  id: string;
  specialist: string;
  instruction: string;
  status: "pending" | "active" | "done" | "redirected";
}

/** The graph's nodes that report their start and end. */
export type ReportingNode = "supervisor.plan" | "supervisor.answer" | "specialist";

/** An item of long-term memory: a lesson a reviewer taught, or an earlier run's outcome. */
export interface RecalledItem {
  namespace: string[];
  key: string;
  kind: "lesson" | "run";
  text: string;
  specialist?: string;
  tool?: string;
}

/** The data of each event the graph reports, by event type. */
export interface GraphEventData {
  "node.started": { node: ReportingNode; specialist?: string; stepId?: string; instruction?: string; reason?: "redirect" };
  "node.completed": { node: ReportingNode; specialist?: string; stepId?: string; reason?: "redirect"; redirectedTo?: string };
  "plan.proposed": { revision: number; steps: PlanStepData[]; reason?: "redirect"; usage?: TokenUsage };
  "retrieval.done": {
    specialist: string;
    query: string;
    attempts: { query: string; topScore: number; coverage: number; passages: number; weak: boolean }[];
    reformulated: boolean;
    passages: { id: string; source: string; excerpt: string; score: number }[];
    evidence: { strength: number; weak: boolean; missing: string[] };
    /** `pack`: a search of every document of the pack, after the specialist's own answered weakly. */
    scope?: "pack";
    fallback?: { reason: string; kept: boolean };
    usage?: TokenUsage;
  };
  "tool.called": {
    specialist: string;
    callId: string;
    tool: string;
    args: Record<string, unknown>;
    kind: "query" | "effect";
    server?: string;
    title?: string;
  };
  /** `result` when the call succeeded (`replayed` when an earlier attempt had done it), `error` when not. */
  "tool.result": {
    specialist: string;
    callId: string;
    tool: string;
    result?: unknown;
    replayed?: boolean;
    error?: string;
    /** The back-end or MCP server could not be reached: not known to be done. */
    unavailable?: boolean;
    /** Not made: the call breaks a rule of the pack (its preconditions); `error` says which. */
    refused?: boolean;
    server?: string;
    images?: { mimeType: string; bytes: number }[];
  };
  "memory.recalled": { items: RecalledItem[]; count: number };
  "memory.saved": { items: { namespace: string[]; key: string }[]; lessons: number };
  /** A finished model message: a specialist's report of its step, or the supervisor's answer. */
  message: {
    node: "specialist" | "supervisor.answer";
    specialist?: string;
    stepId?: string;
    text: string;
    citations: Citation[];
    usage?: TokenUsage;
  };
}
export type GraphEventType = keyof GraphEventData;
