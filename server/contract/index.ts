export type {
  Approval,
  ApprovalStatus,
  AllowedDecisions,
  ApprovalKind,
  Citation,
  Decision,
  DecisionType,
  PackSummary,
  Run,
  RunEvent,
  RunStatus,
  SpecialistSummary,
  StartRunInput,
  TokenDelta,
} from "./types.ts";
export { FINISHED_STATUSES } from "./types.ts";
export { DecisionSchema, StartRunSchema } from "./schemas.ts";
