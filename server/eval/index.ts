export { readEvalSet, type EvalItem } from "./set.ts";
export { factFound } from "./facts.ts";
export { declines } from "./decline.ts";
export { scoreItem, rankedDocuments } from "./score.ts";
export { summarize } from "./summary.ts";
export { runEval } from "./runner.ts";
export { textReport, markdownReport, jsonReport } from "./report.ts";
export { shortfalls, type Thresholds } from "./thresholds.ts";
