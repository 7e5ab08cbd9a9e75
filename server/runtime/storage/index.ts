export { openStorage, migrateStorage, type StorageOptions } from "./open.ts";
export type { CheckpointMaintenance, Storage, StorageKind, StorageSignals } from "./types.ts";
