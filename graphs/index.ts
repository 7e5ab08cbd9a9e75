export { buildGuildGraph, type GuildGraph, type RunInput, type CompileOptions } from "./build.ts";
export type { GraphDeps } from "./deps.ts";
export type { GraphEvent } from "./events.ts";
export type { PlanStep, RunAnswer, GuildStateType, TaughtLesson } from "./state.ts";
export type { UsageTally } from "./usage.ts";
export { gateFor, type Gate, type PolicyContext } from "./policy.ts";
export { MAX_RESPONSES_PER_STEP } from "./policy.ts";
export {
  DecisionSchema,
  allowedDecisions,
  isApprovalRequest,
  validateDecision,
  approvalId,
  type Decision,
  type DecisionType,
  type ApprovalKind,
  type AllowedDecisions,
  type ApprovalRequest,
} from "./approval/index.ts";
export { lessonsNamespace, saveLessons } from "./memory.ts";
