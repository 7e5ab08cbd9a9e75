export { buildGuildGraph, type GuildGraph } from "./build.ts";
export type { GraphEvent } from "./events.ts";
export type { TaughtLesson } from "./state.ts";
export { gateFor, type PolicyContext } from "./policy.ts";
export {
  allowedDecisions,
  isApprovalRequest,
  validateDecision,
  approvalId,
  type Decision,
  type ApprovalRequest,
} from "./approval/index.ts";
export { lessonsNamespace } from "./memory.ts";
export { foldLegacyLessons, reviseLesson, saveLessons, scopeOf, type LessonRevision } from "./lessons.ts";
