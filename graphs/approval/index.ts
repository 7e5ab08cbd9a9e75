export {
  DecisionSchema,
  allowedDecisions,
  isApprovalRequest,
  type Decision,
  type DecisionType,
  type ApprovalKind,
  type AllowedDecisions,
  type ApprovalRequest,
  type ApprovalExpiry,
} from "./decision.ts";
export { approvalId } from "./ids.ts";
export { validateDecision } from "./validate.ts";
