import { z } from "zod";
import { DecisionSchema, type AllowedDecisions as EngineAllowed, type ApprovalKind as EngineKind, type Decision as EngineDecision } from "../../graphs/index.ts";
import { ApprovalStatusSchema, RunStatusSchema } from "./schemas.ts";
import { WEBHOOK_EVENTS, type AllowedDecisions, type Approval, type ApprovalKind, type AuditEntry, type Decision, type Lesson, type PackSummary, type Principal, type Run, type RunEvent, type Webhook, type WebhookDelivery } from "./types.ts";

/**
 * What the server answers, as zod schemas for the OpenAPI document. The checks at the bottom make
 * the compiler refuse any drift between these and the contract's types.
 */

export const PrincipalSchema = z.object({ id: z.string(), name: z.string(), tenant: z.string(), roles: z.array(z.string()), verified: z.boolean() });

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
  kind: z.enum(["plan", "tool_call", "answer"]),
  status: ApprovalStatusSchema,
  description: z.string(),
  action: z.object({ name: z.string(), args: z.record(z.string(), z.unknown()) }),
  allowed: z.object({ approve: z.boolean(), edit: z.boolean(), reject: z.boolean(), respond: z.boolean(), redirect: z.boolean() }),
  specialist: z.string().optional(),
  highRisk: z.string().optional(),
  requiresRoles: z.array(z.string()).optional(),
  fourEyes: z.boolean().optional(),
  createdAt: z.string(),
  decidedAt: z.string().optional(),
  decision: DecisionSchema.optional(),
  reasons: z.array(z.string()).optional(),
  context: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
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
  runId: z.string().optional(),
  createdAt: z.string(),
});

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  runId: z.string(),
  approvalId: z.string(),
  kind: z.enum(["plan", "tool_call", "answer"]),
  action: z.string(),
  event: z.enum(["decided", "expired", "escalated"]),
  decision: z.enum(["approve", "edit", "reject", "respond", "redirect"]).optional(),
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
  usage: TokenUsageSchema.extend({ supervisor: TokenUsageSchema.optional(), bySpecialist: z.record(z.string(), TokenUsageSchema).optional() }).optional(),
  model: ModelSchema,
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const RunEventSchema = z.object({
  seq: z.number().int().min(1),
  runId: z.string(),
  type: z.string(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});

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
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? ([keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false) : false) : false;
const same = <A, B>(proof: Same<A, B>): Same<A, B> => proof;
same<z.infer<typeof ApprovalSchema>, Approval>(true);
same<z.infer<typeof PrincipalSchema>, Principal>(true);
same<z.infer<typeof WebhookSchema>, Webhook>(true);
same<z.infer<typeof WebhookDeliverySchema>, WebhookDelivery>(true);
same<z.infer<typeof RunSchema>, Run>(true);
same<z.infer<typeof RunEventSchema>, RunEvent>(true);
same<z.infer<typeof PackSchema>, PackSummary>(true);
same<z.infer<typeof AuditEntrySchema>, AuditEntry>(true);
same<z.infer<typeof LessonSchema>, Lesson>(true);
same<EngineDecision, Decision>(true);
same<EngineKind, ApprovalKind>(true);
same<EngineAllowed, AllowedDecisions>(true);
