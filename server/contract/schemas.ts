import { z } from "zod";
import { DecisionSchema } from "../../graphs/index.ts";

export { DecisionSchema };

/** Every schema of what clients send, REST and Socket.IO alike; routes, the gateway and the OpenAPI document use these. */

const RUN_STATUSES = ["queued", "running", "awaiting_approval", "completed", "failed", "cancelled"] as const;
const APPROVAL_STATUSES = ["pending", "approved", "edited", "rejected", "responded", "redirected", "expired"] as const;

export const RunStatusSchema = z.enum(RUN_STATUSES);
export const ApprovalStatusSchema = z.enum(APPROVAL_STATUSES);

const id = (what: string) => z.string().min(1, `${what} must not be empty`).max(200);

/** A new run, as REST and the CLI accept it. */
export const StartRunSchema = z.strictObject({
  task: z.string().trim().min(1, "task must not be empty").max(20_000, "task must be at most 20,000 characters"),
  pack: z.string().min(1).optional(),
  options: z.strictObject({ planApproval: z.boolean().optional() }).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** `Idempotency-Key`: printable, at most 255 characters, as the IETF draft and Stripe allow. */
export const IdempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/, "must be 1 to 255 printable characters without spaces");

export const RunParamsSchema = z.strictObject({ id: id("run id") });
export const ApprovalParamsSchema = z.strictObject({ id: id("approval id") });

export const ListRunsQuerySchema = z.strictObject({
  status: RunStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const ListEventsQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});

export const ListApprovalsQuerySchema = z.strictObject({
  status: ApprovalStatusSchema.optional(),
  runId: id("runId").optional(),
});

export const SubscribeRunSchema = z.strictObject({ runId: id("runId"), afterSeq: z.number().int().min(0).optional() });
export const UnsubscribeRunSchema = z.strictObject({ runId: id("runId") });
export const SubscribeInboxSchema = z.strictObject({});
/** The decision itself is checked against the approval, by the same rules as REST. */
export const DecideOverSocketSchema = z.strictObject({ approvalId: id("approvalId"), decision: z.unknown() });
