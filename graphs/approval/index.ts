export {
  allowedDecisions,
  isApprovalRequest,
  type Decision,
  type ApprovalKind,
  type ApprovalRequest,
  type ApprovalExpiry,
} from "./decision.ts";
export { approvalId } from "./ids.ts";
export { validateDecision } from "./validate.ts";
