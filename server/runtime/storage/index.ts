export { openStorage, migrateStorage, type StorageOptions } from "./open.ts";
export type { Storage, StorageKind, StorageSignals } from "./types.ts";
