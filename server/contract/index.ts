export type {
  Approval,
  ApprovalStatus,
  AllowedDecisions,
  ApprovalKind,
  Citation,
  ModelSummary,
  Decision,
  DecisionType,
  PackSummary,
  Run,
  RunEvent,
  RunStatus,
  RunUsage,
  SpecialistSummary,
  StartRunInput,
  TokenDelta,
  TokenUsage,
} from "./types.ts";
export type { Ack, ClientToServerEvents, ErrorBody, ServerToClientEvents } from "./socket.ts";
export { FINISHED_STATUSES } from "./types.ts";
export {
  ApprovalParamsSchema,
  ApprovalStatusSchema,
  DecideOverSocketSchema,
  DecisionSchema,
  IdempotencyKeySchema,
  ListApprovalsQuerySchema,
  ListEventsQuerySchema,
  ListRunsQuerySchema,
  PackParamsSchema,
  RunParamsSchema,
  RunStatusSchema,
  StartRunSchema,
  SubscribeInboxSchema,
  SubscribeRunSchema,
  UnsubscribeRunSchema,
} from "./schemas.ts";
export { ApprovalSchema, ErrorSchema, HealthSchema, PackGraphSchema, PackSchema, RunEventSchema, RunSchema } from "./responses.ts";
