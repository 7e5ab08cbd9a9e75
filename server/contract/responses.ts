import { z } from "zod";
import { DecisionSchema } from "../../graphs/approval/decision.ts";
import { APPROVAL_KINDS, DECISION_TYPES } from "../../graphs/vocabulary.ts";
import { ApprovalStatusSchema, LessonScopeSchema, RunStatusSchema } from "./schemas.ts";
import {
  WEBHOOK_EVENTS,
  type Approval,
  type AuditEntry,
  type Lesson,
  type PackSummary,
  type Principal,
  type Run,
  type RunEventData,
  type RunEventType,
  type Webhook,
  type WebhookDelivery,
} from "./types.ts";

/**
 * What the server answers, as zod schemas for the OpenAPI document. The checks at the bottom make
 * the compiler refuse any drift between these and the contract's types.
 */

export const PrincipalSchema = z.object({
  id: z.string(),
  name: z.string(),
  tenant: z.string(),
  roles: z.array(z.string()),
  verified: z.boolean(),
});

export const WebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  description: z.string().optional(),
  runId: z.string().optional(),
  createdAt: z.string(),
});

export const WebhookDeliverySchema = z.object({
  id: z.string(),
  type: z.enum(WEBHOOK_EVENTS),
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number(),
  lastStatus: z.number().optional(),
  lastError: z.string().optional(),
  createdAt: z.string(),
  deliveredAt: z.string().optional(),
  nextAttemptAt: z.string().optional(),
});

export const ErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

const ModelSchema = z.object({ provider: z.string(), name: z.string() });

const TokenUsageSchema = z.object({ inputTokens: z.number(), outputTokens: z.number(), cost: z.number().optional() });

export const ApprovalSchema = z.object({
  id: z.string(),
  runId: z.string(),
  kind: z.enum(APPROVAL_KINDS),
  status: ApprovalStatusSchema,
  description: z.string(),
  action: z.object({ name: z.string(), args: z.record(z.string(), z.unknown()) }),
  allowed: z.object(
    Object.fromEntries(DECISION_TYPES.map((type) => [type, z.boolean()])) as Record<(typeof DECISION_TYPES)[number], z.ZodBoolean>,
  ),
  specialist: z.string().optional(),
  highRisk: z.string().optional(),
  requiresRoles: z.array(z.string()).optional(),
  fourEyes: z.boolean().optional(),
  createdAt: z.string(),
  decidedAt: z.string().optional(),
  decision: DecisionSchema.optional(),
  reasons: z.array(z.string()).optional(),
  context: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
  violations: z.array(z.string()).optional(),
  title: z.string().optional(),
  shown: z.record(z.string(), z.object({ label: z.string(), value: z.string() })).optional(),
  expiresAt: z.string().optional(),
  escalation: z.object({ at: z.string(), reason: z.string(), to: z.string().optional() }).optional(),
});

export const LessonSchema = z.object({
  id: z.string(),
  pack: z.string(),
  specialist: z.string(),
  tool: z.string().optional(),
  text: z.string(),
  scope: LessonScopeSchema,
  case: z.string().optional(),
  runId: z.string().optional(),
  taught: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  editedAt: z.string().optional(),
});

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  runId: z.string(),
  approvalId: z.string(),
  kind: z.enum(APPROVAL_KINDS),
  action: z.string(),
  event: z.enum(["decided", "expired", "escalated"]),
  decision: z.enum(DECISION_TYPES).optional(),
  status: ApprovalStatusSchema,
  reviewer: z.string().optional(),
  reviewerId: z.string().optional(),
  reviewerVerified: z.boolean().optional(),
  via: z.enum(["rest", "socket", "cli", "api", "policy", "run"]),
  argsBefore: z.record(z.string(), z.unknown()),
  argsAfter: z.record(z.string(), z.unknown()).optional(),
  message: z.string().optional(),
  redirectTo: z.string().optional(),
  at: z.string(),
});

export const RunSchema = z.object({
  id: z.string(),
  status: RunStatusSchema,
  task: z.string(),
  pack: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  result: z.object({ answer: z.string(), citations: z.array(z.object({ source: z.string(), excerpt: z.string() })) }).optional(),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).optional(),
  pendingApprovals: z.array(ApprovalSchema),
  usage: TokenUsageSchema.extend({
    supervisor: TokenUsageSchema.optional(),
    bySpecialist: z.record(z.string(), TokenUsageSchema).optional(),
  }).optional(),
  model: ModelSchema,
  metadata: z.record(z.string(), z.unknown()).optional(),
});

const CitationSchema = z.object({ source: z.string(), excerpt: z.string() });
const node = z.enum(["supervisor.plan", "supervisor.answer", "specialist"]);
const redirect = z.literal("redirect").optional();

/** The data of each run event type, for the OpenAPI document (checked against `RunEventData` below). */
const EVENT_DATA = {
  "run.created": z.object({ task: z.string(), pack: z.string(), planApproval: z.boolean(), model: ModelSchema }),
  "run.queued": z.object({ ahead: z.number().int(), maxActiveRuns: z.number().int() }),
  "run.started": z.object({}),
  "node.started": z.object({
    node,
    specialist: z.string().optional(),
    stepId: z.string().optional(),
    instruction: z.string().optional(),
    reason: redirect,
  }),
  "node.completed": z.object({
    node,
    specialist: z.string().optional(),
    stepId: z.string().optional(),
    reason: redirect,
    redirectedTo: z.string().optional(),
  }),
  "plan.proposed": z.object({
    revision: z.number().int(),
    steps: z.array(
      z.object({
        id: z.string(),
        specialist: z.string(),
        instruction: z.string(),
        status: z.enum(["pending", "active", "done", "redirected"]),
      }),
    ),
    reason: redirect,
    usage: TokenUsageSchema.optional(),
  }),
  "retrieval.done": z.object({
    specialist: z.string(),
    query: z.string(),
    attempts: z.array(
      z.object({ query: z.string(), topScore: z.number(), coverage: z.number(), passages: z.number().int(), weak: z.boolean() }),
    ),
    reformulated: z.boolean(),
    passages: z.array(z.object({ id: z.string(), source: z.string(), excerpt: z.string(), score: z.number() })),
    evidence: z.object({ strength: z.number(), weak: z.boolean(), missing: z.array(z.string()) }),
    scope: z.literal("pack").optional(),
    fallback: z.object({ reason: z.string(), kept: z.boolean() }).optional(),
    usage: TokenUsageSchema.optional(),
  }),
  "tool.called": z.object({
    specialist: z.string(),
    callId: z.string(),
    tool: z.string(),
    args: z.record(z.string(), z.unknown()),
    kind: z.enum(["query", "effect"]),
    server: z.string().optional(),
    title: z.string().optional(),
  }),
  "tool.result": z.object({
    specialist: z.string(),
    callId: z.string(),
    tool: z.string(),
    result: z.unknown().optional(),
    replayed: z.boolean().optional(),
    error: z.string().optional(),
    unavailable: z.boolean().optional(),
    refused: z.boolean().optional(),
    server: z.string().optional(),
    images: z.array(z.object({ mimeType: z.string(), bytes: z.number().int() })).optional(),
  }),
  "memory.recalled": z.object({
    items: z.array(
      z.object({
        namespace: z.array(z.string()),
        key: z.string(),
        kind: z.enum(["lesson", "run"]),
        text: z.string(),
        specialist: z.string().optional(),
        tool: z.string().optional(),
      }),
    ),
    count: z.number().int(),
  }),
  "memory.saved": z.object({ items: z.array(z.object({ namespace: z.array(z.string()), key: z.string() })), lessons: z.number().int() }),
  message: z.object({
    node: z.enum(["specialist", "supervisor.answer"]),
    specialist: z.string().optional(),
    stepId: z.string().optional(),
    text: z.string(),
    citations: z.array(CitationSchema),
    usage: TokenUsageSchema.optional(),
  }),
  "approval.requested": z.object({ approval: ApprovalSchema }),
  "approval.resolved": z.object({
    approvalId: z.string(),
    kind: z.enum(APPROVAL_KINDS),
    status: ApprovalStatusSchema,
    decision: DecisionSchema.optional(),
    reason: z.literal("deadline").optional(),
    reviewer: z.string().optional(),
    reviewerId: z.string().optional(),
    reviewerVerified: z.boolean().optional(),
  }),
  "approval.escalated": z.object({
    approvalId: z.string(),
    kind: z.enum(APPROVAL_KINDS),
    reason: z.string(),
    to: z.string().optional(),
    expiresAt: z.string().optional(),
  }),
  "run.completed": z.object({ answer: z.string(), citations: z.array(CitationSchema) }),
  "run.failed": z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  "run.cancelled": z.object({}),
} satisfies Record<RunEventType, z.ZodType>;

/** A run event: one object schema per event type, told apart by `type`. */
export const RunEventSchema = z.discriminatedUnion(
  "type",
  (Object.keys(EVENT_DATA) as RunEventType[]).map((type) =>
    z.object({ seq: z.number().int().min(1), runId: z.string(), type: z.literal(type), at: z.string(), data: EVENT_DATA[type] }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

export const PackSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  planApproval: z.boolean(),
  model: ModelSchema,
  specialists: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      model: ModelSchema.optional(),
      tools: z.array(z.object({ name: z.string(), description: z.string(), requiresApproval: z.boolean() })),
      documents: z.array(z.string()),
    }),
  ),
  mcpServers: z.array(
    z.object({
      name: z.string(),
      transport: z.enum(["stdio", "http"]),
      state: z.enum(["idle", "starting", "ready", "crashed", "failed", "closed"]),
      tools: z.array(z.string()).optional(),
      restarts: z.number().int(),
      lastError: z.string().optional(),
    }),
  ),
});

/** A pack's state machine as a Mermaid flowchart, for a picture of the graph. */
export const PackGraphSchema = z.object({ mermaid: z.string() });

export const HealthSchema = z.object({
  status: z.literal("ok"),
  model: ModelSchema,
  storage: z.object({ kind: z.string() }),
});

// Mutual assignability, and the same keys: an optional field missing on one side counts as drift.
type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [keyof A] extends [keyof B]
      ? [keyof B] extends [keyof A]
        ? true
        : false
      : false
    : false
  : false;
const same = <A, B>(proof: Same<A, B>): Same<A, B> => proof;
same<z.infer<typeof ApprovalSchema>, Approval>(true);
same<z.infer<typeof PrincipalSchema>, Principal>(true);
same<z.infer<typeof WebhookSchema>, Webhook>(true);
same<z.infer<typeof WebhookDeliverySchema>, WebhookDelivery>(true);
same<z.infer<typeof RunSchema>, Run>(true);
// Each event type's data, field by field at the top level, mutually assignable below it.
const eventDataMatches: { [K in RunEventType]: Same<z.infer<(typeof EVENT_DATA)[K]>, RunEventData[K]> } = {} as {
  [K in RunEventType]: true;
};
void eventDataMatches;
same<z.infer<typeof PackSchema>, PackSummary>(true);
same<z.infer<typeof AuditEntrySchema>, AuditEntry>(true);
same<z.infer<typeof LessonSchema>, Lesson>(true);
