export { toolArgsSchema } from "./schema.ts";
export { isQuestion, requestedEffects, requestClauses, requestParts, type ToolIntent } from "./intent.ts";
export {
  callable,
  checksKind,
  findByPattern,
  FLAG_FIELD,
  holdsKind,
  MONEY_FIELD,
  NAME_FIELD,
  returnsKind,
  toolFit,
  toolTerms,
  type FitTool,
} from "./fit.ts";
