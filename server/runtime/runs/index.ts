export { SqliteRunStore } from "./sqlite-run-store.ts";
export type { RunStore, RunRecord, ApprovalRecord, ApprovalEscalation, RunPatch } from "./types.ts";
