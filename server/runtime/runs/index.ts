export type {
  RunStore,
  RunStoreTx,
  FeedCursor,
  RunRecord,
  NewRun,
  ApprovalFilter,
  ApprovalRecord,
  ApprovalEscalation,
  RunPatch,
} from "./types.ts";
export { portOver, type RunTables } from "./port.ts";
export { approvalIdOf, type WebhookRecord, type DeliveryRecord, type DeliveryPatch } from "./webhook-types.ts";
