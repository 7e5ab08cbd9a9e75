export type { RunStore, RunStoreTx, FeedCursor, RunRecord, ApprovalRecord, ApprovalEscalation, RunPatch } from "./types.ts";
export { portOver, type RunTables } from "./port.ts";
