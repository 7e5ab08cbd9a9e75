export { openStorage, migrateStorage } from "./open.ts";
export type { CheckpointMaintenance, Storage, StorageKind } from "./types.ts";
