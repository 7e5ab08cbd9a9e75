// Plain types, importing only the engine's vocabulary (itself plain): the web client compiles
// against these two files alone. The checks in responses.ts make the compiler refuse any drift
// from the engine's own types and schemas.
import type {
  AllowedDecisions,
  ApprovalCard,
  ApprovalKind,
  ApprovalStatus,
  Citation,
  Decision,
  DecisionType,
  GraphEventData,
  TokenUsage,
} from "../../graphs/vocabulary.ts";

export type { AllowedDecisions, ApprovalCard, ApprovalKind, ApprovalStatus, Citation, Decision, DecisionType, TokenUsage };
export type { ReportingNode } from "../../graphs/vocabulary.ts";

export const RUN_STATUSES = ["queued", "running", "awaiting_approval", "completed", "failed", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_STATUSES: readonly RunStatus[] = ["completed", "failed", "cancelled"];

/** A reviewer's checkpoint: what a specialist or the supervisor wants to do, and who decided what. */
export interface Approval extends ApprovalCard {
  id: string;
  runId: string;
  kind: ApprovalKind;
  status: ApprovalStatus;
  description: string;
  action: { name: string; args: Record<string, unknown> };
  allowed: AllowedDecisions;
  createdAt: string;
  decidedAt?: string;
  decision?: Decision;
  /** When the policy's fallback applies if nobody decides first. */
  expiresAt?: string;
  /** Set once the approval has been escalated: when, why, and to whom. */
  escalation?: { at: string; reason: string; to?: string };
}

/** What a webhook may be told of; each is the run event of the same name. */
export const WEBHOOK_EVENTS = [
  "run.completed",
  "run.failed",
  "run.cancelled",
  "approval.requested",
  "approval.escalated",
  "approval.resolved",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A receiver of a tenant's events (or of one run's, `runId`); its secret is shown once, when made. */
export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  description?: string;
  runId?: string;
  createdAt: string;
}

/** One message to a webhook: its id is the `webhook-id` of every attempt. */
export interface WebhookDelivery {
  id: string;
  type: WebhookEvent;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  /** The receiver's last status, and what went wrong last. */
  lastStatus?: number;
  lastError?: string;
  createdAt: string;
  deliveredAt?: string;
  /** When the next attempt is due, while pending. */
  nextAttemptAt?: string;
}

/** The tenant of `GUILD_API_KEYS` keys, of the development mode, and of data from before tenants. */
export const DEFAULT_TENANT = "default";

/**
 * Who makes a call: a principal of the auth file (or an OIDC token), a `GUILD_API_KEYS` key, or
 * the loopback development mode (no keys, `verified: false`). `roles` `["*"]` holds every role.
 */
export interface Principal {
  id: string;
  name: string;
  tenant: string;
  roles: string[];
  /** False in loopback development mode: the caller is whoever reached the machine. */
  verified: boolean;
}

/**
 * How a change reached Guild: a REST call, a socket, the CLI, the runtime's API, the policy itself
 * (a deadline, an escalation), or the run's end (`run`: its pending approvals expire).
 */
export type DecisionChannel = "rest" | "socket" | "cli" | "api" | "policy" | "run";

/** One change of an approval's state, for the audit trail. */
export interface AuditEntry {
  id: number;
  runId: string;
  approvalId: string;
  kind: ApprovalKind;
  /** The tool, `plan` or `answer`. */
  action: string;
  /** `decided` by a reviewer; `expired` (by the policy's fallback, or because the run ended); `escalated` by the policy. */
  event: "decided" | "expired" | "escalated";
  decision?: DecisionType;
  /** The approval's status after the change. */
  status: ApprovalStatus;
  /** The reviewer's name: the authenticated principal's, or (loopback development mode only) what the decision gave. */
  reviewer?: string;
  /** The authenticated principal's id; absent when the name is only what the decision gave. */
  reviewerId?: string;
  /** False when the reviewer was not authenticated (no keys: loopback development mode). */
  reviewerVerified?: boolean;
  via: DecisionChannel;
  /** The arguments as proposed. */
  argsBefore: Record<string, unknown>;
  /** The arguments the action goes ahead with (an edit's, or the proposed ones when approved). */
  argsAfter?: Record<string, unknown>;
  /** The reviewer's message, or why the policy acted. */
  message?: string;
  /** The specialist a redirect hands the step to. */
  redirectTo?: string;
  at: string;
}

/** Whether a lesson is about one case (a claim, a lot) or holds for every run. */
export const LESSON_SCOPES = ["case", "general"] as const;
export type LessonScope = (typeof LESSON_SCOPES)[number];

/** What a reviewer taught a specialist (or the supervisor), kept in long-term memory and recalled by later runs. */
export interface Lesson {
  id: string;
  pack: string;
  /** The specialist it was taught to, or `supervisor`. */
  specialist: string;
  tool?: string;
  text: string;
  /** `case`: recalled only by runs whose task names `case`; `general`: by every run of the pack. */
  scope: LessonScope;
  /** The case a `case` lesson is about (`CLM-1001`). */
  case?: string;
  /** The newest run in which it was taught. */
  runId?: string;
  /** How many runs taught it. */
  taught: number;
  /** When it was first taught. */
  createdAt: string;
  /** When it was last taught or edited. */
  updatedAt: string;
  /** When a reviewer last edited it. */
  editedAt?: string;
}

export interface Run {
  id: string;
  status: RunStatus;
  task: string;
  pack: string;
  createdAt: string;
  updatedAt: string;
  result?: { answer: string; citations: Citation[] };
  /** Why the run failed; `details.cause` says more for a model error (`timeout`, `rate_limited`, `invalid_plan`, ...). */
  error?: { code: string; message: string; details?: unknown };
  pendingApprovals: Approval[];
  usage?: RunUsage;
  model: ModelSummary;
  metadata?: Record<string, unknown>;
}

/** Tokens a run used: in all, by its supervisor (plans, the answer) and by each specialist. */
export interface RunUsage extends TokenUsage {
  supervisor?: TokenUsage;
  bySpecialist?: Record<string, TokenUsage>;
}

/** The data of each run event, by event type: the graph's, and those of the runtime around it. */
export interface RunEventData extends GraphEventData {
  "run.created": { task: string; pack: string; planApproval: boolean; model: ModelSummary };
  /** The run waits for a place: `ahead` runs before it, `maxActiveRuns` at once. */
  "run.queued": { ahead: number; maxActiveRuns: number };
  "run.started": Record<string, never>;
  "approval.requested": { approval: Approval };
  /** Decided by a reviewer (`decision`, who), or expired: by the policy's deadline (`reason`) or because the run ended. */
  "approval.resolved": {
    approvalId: string;
    kind: ApprovalKind;
    status: ApprovalStatus;
    decision?: Decision;
    reason?: "deadline";
    reviewer?: string;
    reviewerId?: string;
    reviewerVerified?: boolean;
  };
  "approval.escalated": { approvalId: string; kind: ApprovalKind; reason: string; to?: string; expiresAt?: string };
  "run.completed": { answer: string; citations: Citation[] };
  "run.failed": { code: string; message: string; details?: unknown };
  "run.cancelled": Record<string, never>;
}
export type RunEventType = keyof RunEventData;

/**
 * A durable, numbered event of a run; `seq` starts at 1 and rises by 1 per run. `RunEvent` is the
 * union of every type, so `switch (event.type)` narrows `data`; `RunEvent<"tool.result">` is one.
 */
export type RunEvent<T extends RunEventType = RunEventType> = Extract<AnyRunEvent, { type: T }>;
type AnyRunEvent = { [K in RunEventType]: { seq: number; runId: string; type: K; at: string; data: RunEventData[K] } }[RunEventType];

/** An event's type and data, before the store numbers it. */
export type RunEventBody<T extends RunEventType = RunEventType> = { [K in T]: { type: K; data: RunEventData[K] } }[T];

/** A live-only token delta of a model that is writing. */
export interface TokenDelta {
  runId: string;
  node: string;
  specialist?: string;
  delta: string;
}

/** Which model answers: `offline` (deterministic rules) or a named model. */
export interface ModelSummary {
  provider: string;
  name: string;
}

export interface SpecialistSummary {
  id: string;
  name: string;
  description: string;
  model?: ModelSummary;
  tools: { name: string; description: string; requiresApproval: boolean }[];
  documents: string[];
}

/**
 * An MCP server of a pack and where it stands: `idle` until a run first needs it, then `starting`,
 * `ready`, `crashed` (started again when next needed), `failed` (tried again when next needed) or
 * `closed`.
 */
export interface McpServerSummary {
  name: string;
  transport: "stdio" | "http";
  state: "idle" | "starting" | "ready" | "crashed" | "failed" | "closed";
  /** The server's tools, once listed. */
  tools?: string[];
  restarts: number;
  lastError?: string;
}

export interface PackSummary {
  id: string;
  name: string;
  description: string;
  planApproval: boolean;
  /** The supervisor's model. */
  model: ModelSummary;
  specialists: SpecialistSummary[];
  /** The MCP servers whose tools the pack's specialists use (`<server>/<tool>`). */
  mcpServers: McpServerSummary[];
}

export interface StartRunInput {
  task: string;
  pack?: string;
  options?: { planApproval?: boolean };
  metadata?: Record<string, unknown>;
  /** A receiver of this run's events alone. */
  webhook?: string;
}
