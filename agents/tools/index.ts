export { toolArgsSchema } from "./schema.ts";
export { requestedEffects, requestClauses, type ToolIntent } from "./intent.ts";
