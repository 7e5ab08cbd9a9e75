export { SqliteRunStore } from "./sqlite-run-store.ts";
export type { RunStore, RunRecord, ApprovalRecord, RunPatch } from "./types.ts";
