export { toolArgsSchema } from "./schema.ts";
export { isQuestion, requestedEffects, requestClauses, requestParts, type ToolIntent } from "./intent.ts";
export { callable, findByPattern, toolFit, toolTerms, type FitTool } from "./fit.ts";
