import { z } from "zod";
import { GuildError } from "../../agents/errors/index.ts";
import {
  ApprovalParamsSchema,
  ApprovalSchema,
  AuditEntrySchema,
  CreateWebhookSchema,
  WebhookDeliverySchema,
  WebhookParamsSchema,
  WebhookSchema,
  DecisionSchema,
  ErrorSchema,
  HealthSchema,
  IdempotencyKeySchema,
  ListApprovalsQuerySchema,
  ListEventsQuerySchema,
  ListRunsQuerySchema,
  ListLessonsQuerySchema,
  LessonParamsSchema,
  LessonSchema,
  PackGraphSchema,
  PackParamsSchema,
  PackSchema,
  PrincipalSchema,
  ReviseLessonSchema,
  RunEventSchema,
  RunParamsSchema,
  RunSchema,
  StartRunSchema,
} from "../contract/index.ts";
import type { Runtime } from "../runtime/index.ts";
import { route, type Route } from "./route.ts";

const error = (description: string) => ({ description, schema: ErrorSchema });
const BAD_INPUT = error("bad input; `details.field` names the field");
const NOT_FOUND = error("no such run or approval (or another tenant's)");
const FORBIDDEN = error("`missing_role`: the caller lacks the role `details.role`");

/** Every REST route of the contract (docs/api.md), over a runtime. */
export function apiRoutes(runtime: Runtime): Route[] {
  return [
    route({
      method: "get",
      path: "/api/health",
      summary: "Whether the server is up, and which model and storage it uses",
      responses: { 200: { description: "up", schema: HealthSchema } },
      handle: () => ({ status: 200, body: { status: "ok", model: runtime.model, storage: runtime.storageKind } }),
    }),
    route({
      method: "get",
      path: "/api/me",
      summary: "Who the caller is: id, name, tenant and roles (`verified: false` in loopback development mode)",
      responses: { 200: { description: "the caller", schema: z.object({ principal: PrincipalSchema }) } },
      handle: ({ principal }) => ({ status: 200, body: { principal } }),
    }),
    route({
      method: "get",
      path: "/api/packs",
      summary: "The domain packs: their specialists, tools and documents",
      responses: { 200: { description: "the packs", schema: z.object({ packs: z.array(PackSchema) }) } },
      handle: () => ({ status: 200, body: { packs: runtime.listPacks() } }),
    }),
    route({
      method: "get",
      path: "/api/packs/:id/graph",
      summary: "A pack's state machine as a Mermaid flowchart",
      params: PackParamsSchema,
      responses: { 200: { description: "the graph", schema: PackGraphSchema }, 404: error("no such pack") },
      handle: async ({ params }) => ({ status: 200, body: { mermaid: await runtime.packGraph(params.id) } }),
    }),
    route({
      method: "post",
      path: "/api/runs",
      summary: "Start a run; it executes in the background",
      role: { name: "submitter", to: "start runs" },
      body: StartRunSchema,
      headers: [
        { name: "Idempotency-Key", schema: IdempotencyKeySchema, description: "the same key returns the run the first request created" },
      ],
      responses: {
        202: {
          description:
            "created (or, for a repeated Idempotency-Key, the run it created); with `webhook`, the id and secret of the run's own webhook",
          schema: z.object({ run: RunSchema, webhook: z.object({ id: z.string(), secret: z.string() }).optional() }),
        },
        400: BAD_INPUT,
        403: FORBIDDEN,
        422: error("the Idempotency-Key was used for a different request"),
        413: error("the body is too large"),
      },
      handle: async ({ body, header, principal }) => {
        const key = header("idempotency-key");
        const idempotencyKey = key === undefined ? undefined : parseHeader("Idempotency-Key", IdempotencyKeySchema, key);
        return { status: 202, body: await runtime.start(body, { principal, ...(idempotencyKey ? { idempotencyKey } : {}) }) };
      },
    }),
    route({
      method: "get",
      path: "/api/runs",
      summary: "Runs, newest first",
      query: ListRunsQuerySchema,
      responses: { 200: { description: "runs", schema: z.object({ runs: z.array(RunSchema) }) }, 400: BAD_INPUT },
      handle: async ({ query, principal }) => ({ status: 200, body: { runs: await runtime.listRuns(query, principal) } }),
    }),
    route({
      method: "get",
      path: "/api/runs/:id",
      summary: "One run, with its pending approvals",
      params: RunParamsSchema,
      responses: { 200: { description: "the run", schema: z.object({ run: RunSchema }) }, 404: NOT_FOUND },
      handle: async ({ params, principal }) => ({ status: 200, body: { run: await runtime.getRun(params.id, principal) } }),
    }),
    route({
      method: "get",
      path: "/api/runs/:id/events",
      summary: "A run's events after a seq, in seq order",
      params: RunParamsSchema,
      query: ListEventsQuerySchema,
      responses: { 200: { description: "events", schema: z.object({ events: z.array(RunEventSchema) }) }, 400: BAD_INPUT, 404: NOT_FOUND },
      handle: async ({ params, query, principal }) => ({
        status: 200,
        body: { events: await runtime.listEvents(params.id, query.after ?? 0, query.limit, principal) },
      }),
    }),
    route({
      method: "get",
      path: "/api/runs/:id/audit",
      summary: "The run's audit trail: every decision, expiry and escalation of its approvals, oldest first",
      params: RunParamsSchema,
      responses: { 200: { description: "the audit trail", schema: z.object({ audit: z.array(AuditEntrySchema) }) }, 404: NOT_FOUND },
      handle: async ({ params, principal }) => ({ status: 200, body: { audit: await runtime.auditTrail(params.id, principal) } }),
    }),
    route({
      method: "post",
      path: "/api/runs/:id/cancel",
      summary: "Cancel a run at its next step; its pending approvals expire",
      role: { name: "submitter", to: "cancel runs" },
      params: RunParamsSchema,
      responses: {
        200: { description: "cancelled", schema: z.object({ run: RunSchema }) },
        403: FORBIDDEN,
        404: NOT_FOUND,
        409: error("the run has already finished"),
      },
      handle: async ({ params, principal }) => ({ status: 200, body: { run: await runtime.cancel(params.id, principal) } }),
    }),
    route({
      method: "get",
      path: "/api/approvals",
      summary:
        "Approvals across the tenant's runs (pending by default), oldest first, a page at a time (100 by default; `nextCursor` when there are more)",
      query: ListApprovalsQuerySchema,
      responses: {
        200: { description: "approvals", schema: z.object({ approvals: z.array(ApprovalSchema), nextCursor: z.string().optional() }) },
        400: BAD_INPUT,
      },
      handle: async ({ query, principal }) => ({ status: 200, body: await runtime.pageApprovals(query, principal) }),
    }),
    route({
      method: "get",
      path: "/api/approvals/:id",
      summary: "One approval",
      params: ApprovalParamsSchema,
      responses: { 200: { description: "the approval", schema: z.object({ approval: ApprovalSchema }) }, 404: NOT_FOUND },
      handle: async ({ params, principal }) => ({ status: 200, body: { approval: await runtime.getApproval(params.id, principal) } }),
    }),
    route({
      method: "get",
      path: "/api/lessons",
      summary: "Lessons reviewers taught, newest first; later runs recall them",
      query: ListLessonsQuerySchema,
      responses: { 200: { description: "lessons", schema: z.object({ lessons: z.array(LessonSchema) }) }, 400: BAD_INPUT },
      handle: async ({ query, principal }) => ({ status: 200, body: { lessons: await runtime.listLessons(query, principal) } }),
    }),
    route({
      method: "delete",
      path: "/api/lessons/:id",
      summary: "Forget a lesson: later runs no longer recall it",
      role: { name: "admin", to: "forget lessons" },
      params: LessonParamsSchema,
      responses: {
        200: { description: "the lesson forgotten", schema: z.object({ lesson: LessonSchema }) },
        403: FORBIDDEN,
        404: error("no such lesson"),
      },
      handle: async ({ params, principal }) => ({ status: 200, body: { lesson: await runtime.deleteLesson(params.id, principal) } }),
    }),
    route({
      method: "patch",
      path: "/api/lessons/:id",
      summary: "Edit a lesson's text or scope (`case`: recalled only for its case; `general`); later runs recall it as edited",
      role: { name: "admin", to: "edit lessons" },
      params: LessonParamsSchema,
      body: ReviseLessonSchema,
      responses: {
        200: { description: "the lesson as edited", schema: z.object({ lesson: LessonSchema }) },
        400: BAD_INPUT,
        403: FORBIDDEN,
        404: error("no such lesson"),
      },
      handle: async ({ params, body, principal }) => ({
        status: 200,
        body: { lesson: await runtime.reviseLesson(params.id, body, principal) },
      }),
    }),
    route({
      method: "post",
      path: "/api/webhooks",
      summary: "Make a webhook of the caller's tenant; its signing secret is answered once, here",
      role: { name: "admin", to: "manage webhooks" },
      body: CreateWebhookSchema,
      responses: {
        201: { description: "made", schema: z.object({ id: z.string(), secret: z.string(), webhook: WebhookSchema }) },
        400: BAD_INPUT,
        403: FORBIDDEN,
      },
      handle: async ({ body, principal }) => {
        const { webhook, secret } = await runtime.webhooks.create(body, principal);
        return { status: 201, body: { id: webhook.id, secret, webhook } };
      },
    }),
    route({
      method: "get",
      path: "/api/webhooks",
      summary: "The tenant's webhooks (never their secrets)",
      role: { name: "admin", to: "manage webhooks" },
      responses: { 200: { description: "webhooks", schema: z.object({ webhooks: z.array(WebhookSchema) }) }, 403: FORBIDDEN },
      handle: async ({ principal }) => ({ status: 200, body: { webhooks: await runtime.webhooks.list(principal) } }),
    }),
    route({
      method: "delete",
      path: "/api/webhooks/:id",
      summary: "Delete a webhook; its pending deliveries are dropped",
      role: { name: "admin", to: "manage webhooks" },
      params: WebhookParamsSchema,
      responses: {
        200: { description: "deleted", schema: z.object({ webhook: WebhookSchema }) },
        403: FORBIDDEN,
        404: error("no such webhook"),
      },
      handle: async ({ params, principal }) => ({ status: 200, body: { webhook: await runtime.webhooks.delete(params.id, principal) } }),
    }),
    route({
      method: "get",
      path: "/api/webhooks/:id/deliveries",
      summary: "A webhook's deliveries, newest first: status, attempts, the receiver's last answer",
      role: { name: "admin", to: "manage webhooks" },
      params: WebhookParamsSchema,
      responses: {
        200: { description: "deliveries", schema: z.object({ deliveries: z.array(WebhookDeliverySchema) }) },
        403: FORBIDDEN,
        404: error("no such webhook"),
      },
      handle: async ({ params, principal }) => ({
        status: 200,
        body: { deliveries: await runtime.webhooks.deliveries(params.id, principal) },
      }),
    }),
    route({
      method: "post",
      path: "/api/approvals/:id/decision",
      summary: "Decide a pending approval; exactly one decision wins",
      role: { name: "reviewer", to: "decide approvals" },
      params: ApprovalParamsSchema,
      body: DecisionSchema,
      responses: {
        200: { description: "decided; the run resumes in the background", schema: z.object({ approval: ApprovalSchema }) },
        400: error("a decision of a type the approval does not allow, or edited arguments that fail the tool's schema"),
        403: error(
          "`missing_role`: the caller lacks `reviewer` or the role the policy requires; `four_eyes`: the caller edited the call or started the run",
        ),
        404: NOT_FOUND,
        409: error("the approval is no longer pending"),
        422: error("`not_allowed`: an edit of an MCP tool whose server cannot be reached to check the arguments"),
      },
      handle: async ({ params, body, principal }) => ({
        status: 200,
        body: { approval: await runtime.decide(params.id, body, { via: "rest", principal }) },
      }),
    }),
  ];
}

function parseHeader<T>(name: string, schema: z.ZodType<T>, value: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new GuildError("invalid_input", `${name}: ${parsed.error.issues[0]!.message}`, { details: { field: name } });
}
