export { toolArgsSchema } from "./schema.ts";
export { asksQuestion, isQuestion, requestedEffects, requestClauses, requestParts, type ToolIntent } from "./intent.ts";
export { callable, findByPattern, toolFit, toolTerms, type FitTool } from "./fit.ts";
