export { readEvalSet, EvalItemSchema, EVAL_KINDS, type EvalItem, type EvalKind } from "./set.ts";
export { factFound } from "./facts.ts";
export { declines } from "./decline.ts";
export { scoreItem, rankedDocuments, type ItemResult } from "./score.ts";
export { summarize, type Figures, type Summary } from "./summary.ts";
export { runEval, type EvalOptions, type EvalResult, type VariantResult } from "./runner.ts";
export { writeVariant, type Variant } from "./variants.ts";
export { textReport, markdownReport, jsonReport } from "./report.ts";
export { shortfalls, type Thresholds } from "./thresholds.ts";
