import { z } from "zod";
import { DecisionSchema } from "../../graphs/approval/decision.ts";
import { APPROVAL_STATUSES } from "../../graphs/vocabulary.ts";
import { LESSON_SCOPES, RUN_STATUSES, WEBHOOK_EVENTS } from "./types.ts";

export { DecisionSchema };

/** Every schema of what clients send, REST and Socket.IO alike; routes, the gateway and the OpenAPI document use these. */

export const RunStatusSchema = z.enum(RUN_STATUSES);
export const ApprovalStatusSchema = z.enum(APPROVAL_STATUSES);
export const LessonScopeSchema = z.enum(LESSON_SCOPES, { error: 'scope must be "case" or "general"' });

const id = (what: string) => z.string().min(1, `${what} must not be empty`).max(200);

const METADATA_MAX_DEPTH = 8;
const METADATA_MAX_BYTES = 16 * 1024;

/** How deep a JSON value nests, walked without recursion so a hostile value cannot overflow the stack. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > METADATA_MAX_DEPTH) return deepest;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** A caller's own data kept with a run: small and shallow, so storing and hashing it is cheap. */
const MetadataSchema = z
  .record(z.string(), z.unknown())
  // Depth first, and stop there: measuring the size of a deep value would overflow the stack.
  .refine((m) => depthOf(m) <= METADATA_MAX_DEPTH, { message: `metadata must nest at most ${METADATA_MAX_DEPTH} levels`, abort: true })
  .refine(
    (m) => new TextEncoder().encode(JSON.stringify(m)).length <= METADATA_MAX_BYTES,
    `metadata must be at most ${METADATA_MAX_BYTES / 1024} kB as JSON`,
  );

/** A new run, as REST and the CLI accept it. */
export const StartRunSchema = z.strictObject({
  task: z.string().trim().min(1, "task must not be empty").max(20_000, "task must be at most 20,000 characters"),
  pack: z.string().min(1).optional(),
  options: z.strictObject({ planApproval: z.boolean().optional() }).optional(),
  metadata: MetadataSchema.optional(),
  /** A receiver of this run's events alone (all of them); the answer gives its id and secret. */
  webhook: z
    .url({ protocol: /^https?$/, error: "webhook must be an http or https URL" })
    .max(2000)
    .optional(),
});

/** A new webhook of the caller's tenant. */
export const CreateWebhookSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "url must be an http or https URL" }).max(2000),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, "events must name at least one event"),
  description: z.string().trim().max(500).optional(),
});
export const WebhookParamsSchema = z.strictObject({ id: id("webhook id") });

/** `Idempotency-Key`: printable, at most 255 characters, as the IETF draft and Stripe allow. */
export const IdempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/, "must be 1 to 255 printable characters without spaces");

export const RunParamsSchema = z.strictObject({ id: id("run id") });
export const ApprovalParamsSchema = z.strictObject({ id: id("approval id") });
export const PackParamsSchema = z.strictObject({ id: id("pack id") });
export const LessonParamsSchema = z.strictObject({ id: id("lesson id") });

/** A reviewer's changes to a lesson: its words, whether it is about its case or general, or both. */
export const ReviseLessonSchema = z
  .strictObject({
    text: z.string().trim().min(1, "text must not be empty").max(2000, "text must be at most 2000 characters").optional(),
    scope: LessonScopeSchema.optional(),
  })
  .refine((revision) => revision.text !== undefined || revision.scope !== undefined, "give the lesson's new text, its scope, or both");

export const ListLessonsQuerySchema = z.strictObject({
  pack: z.string().min(1).optional(),
  specialist: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const ListRunsQuerySchema = z.strictObject({
  status: RunStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const ListEventsQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});

/** A page of approvals: at most `limit`, after the `cursor` of the page before (its `nextCursor`). */
const ApprovalPage = {
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,400}$/, "cursor must be a nextCursor from an earlier page")
    .optional(),
};

export const ListApprovalsQuerySchema = z.strictObject({
  status: ApprovalStatusSchema.optional(),
  runId: id("runId").optional(),
  ...ApprovalPage,
});

export const SubscribeRunSchema = z.strictObject({ runId: id("runId"), afterSeq: z.number().int().min(0).optional() });
export const UnsubscribeRunSchema = z.strictObject({ runId: id("runId") });
export const SubscribeInboxSchema = z.strictObject({ limit: z.number().int().min(1).max(500).optional(), cursor: ApprovalPage.cursor });
/** The decision itself is checked against the approval, by the same rules as REST. */
export const DecideOverSocketSchema = z.strictObject({ approvalId: id("approvalId"), decision: z.unknown() });
