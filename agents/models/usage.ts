import type { Usage } from "./types.ts";

/** What a model costs per million input and output tokens, in one currency. */
export interface ModelPrices {
  inputPerMTok: number;
  outputPerMTok: number;
}

/** The sum of two usages; a cost stays only if either side has one. */
export function addUsage(a: Usage, b: Usage): Usage {
  const cost = a.cost === undefined && b.cost === undefined ? undefined : (a.cost ?? 0) + (b.cost ?? 0);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    ...(cost === undefined ? {} : { cost }),
  };
}

/** The sum of usages that may be missing (a server that reports none); undefined when both are. */
export function sumUsage(a: Usage | undefined, b: Usage | undefined): Usage | undefined {
  return a && b ? addUsage(a, b) : (a ?? b);
}

/**
 * Usage with its cost, when prices are known.
 * @example priced({ inputTokens: 1_000_000, outputTokens: 0 }, { inputPerMTok: 0.15, outputPerMTok: 0.6 }).cost // 0.15
 */
export function priced(usage: Usage, prices: ModelPrices | undefined): Usage {
  if (!prices) return usage;
  const cost = (usage.inputTokens * prices.inputPerMTok + usage.outputTokens * prices.outputPerMTok) / 1_000_000;
  return { ...usage, cost };
}
