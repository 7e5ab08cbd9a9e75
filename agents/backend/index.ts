export { openSqliteBackend } from "./sqlite-backend.ts";
export type { Backend, EffectOutcome } from "./types.ts";
