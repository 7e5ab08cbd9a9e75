import { coverage, termWords, type Focus } from "../knowledge/index.ts";
import type { ArgSpec } from "../packs/manifest.ts";

/** What tool fit needs to know of a tool. */
export interface FitTool {
  name: string;
  description: string;
  kind: "query" | "effect";
  args: Readonly<Record<string, ArgSpec>>;
  returns: readonly string[];
}

/** The first substring of the texts that matches an argument's pattern, e.g. a claim id in the task. */
export function findByPattern(pattern: string, texts: readonly string[]): string | undefined {
  const unanchored = new RegExp(pattern.replace(/^\^/, "").replace(/\$$/, ""), "g");
  for (const text of texts) {
    const match = text.match(unanchored);
    if (match?.[0]) return match[0];
  }
  return undefined;
}

/**
 * The terms a tool is known by: its name without its verb ("get", "check", "list" say how, not
 * what), what it returns and its description.
 */
export function toolTerms(tool: FitTool): Set<string> {
  const text = [tool.name.split("_").slice(1).join(" "), ...tool.returns, tool.description].join(" ").replace(/_/g, " ");
  return new Set(termWords(text).keys());
}

/**
 * Whether a tool can be called for a request: each required argument with a pattern is found in
 * the texts, or returned by another tool of the same specialist that can be called (a claim's
 * lookup gives the customer id a history needs).
 */
export function callable(
  tool: FitTool,
  texts: readonly string[],
  siblings: readonly FitTool[],
  seen: ReadonlySet<string> = new Set(),
): boolean {
  return Object.entries(tool.args).every(([name, spec]) => {
    if (spec.optional) return true;
    if (spec.pattern && findByPattern(spec.pattern, texts)) return true;
    const keys = [...spec.hints, name];
    return siblings.some(
      (s) =>
        s.kind === "query" &&
        !seen.has(s.name) &&
        s.name !== tool.name &&
        s.returns.some((r) => keys.includes(r)) &&
        callable(s, texts, siblings, new Set([...seen, tool.name])),
    );
  });
}

/** What a query tool's fit gains when the request names what the tool is named for. */
const NAMED_BONUS = 0.5;
/** What a query tool's fit keeps when it returns no field of the kind of value the request asks for. */
const UNTYPED_TOOL = 0.5;

/** Fields that hold money ("claimed_amount", "sum_insured"), and fields that hold a yes/no as 0/1 ("customer_flagged"). */
export const MONEY_FIELD = /amount|excess|sum_insured|payout|total|paid|price|cost/;
export const FLAG_FIELD = /(^|_)(flagged|over|is|has)(_|$)/;
/** Fields that name a person. */
export const NAME_FIELD = /(^|_)name$|^payee$/;

/** Fields that hold a share ("reject_rate", "defect_pct"): an amount as "what is the rate?" asks for one. */
const SHARE_FIELD = /rate|percent|pct|ratio|share/;

/**
 * Whether a field can hold the kind of value a request asks for: money or a share for "how
 * much" or "what is the rate", a person for "who"; any field for any other question. Only the
 * kinds a field's name can tell are checked (`checksKind`).
 */
export function holdsKind(field: string, kind: Focus["answer"]): boolean {
  if (kind === "amount") return (MONEY_FIELD.test(field) || SHARE_FIELD.test(field)) && !FLAG_FIELD.test(field);
  if (kind === "name") return NAME_FIELD.test(field);
  return true;
}

/** Whether a tool returns a field that can hold a kind of value. */
export function returnsKind(tool: Pick<FitTool, "returns">, kind: Focus["answer"]): boolean {
  return tool.returns.some((field) => holdsKind(field, kind));
}

/** Whether a field's name can tell that kind of value: an amount or a name. */
export function checksKind(kind: Focus["answer"]): boolean {
  return kind === "amount" || kind === "name";
}

/**
 * How well a query tool answers a request: the share of the request's weighted content words that
 * the tool's name, fields and description cover, halved when it returns no field of the kind of
 * value asked for; 0 when it cannot be called for the request.
 */
export function toolFit(tool: FitTool, focus: Focus, texts: readonly string[], siblings: readonly FitTool[]): number {
  if (tool.kind !== "query" || !callable(tool, texts, siblings)) return 0;
  const share = coverage(focus.terms, toolTerms(tool)).share;
  // What a tool is named for ("get_policy_for_claim": the policy) is what it answers best about.
  const named = new Set(termWords(tool.name.split("_").slice(1).join(" ")).keys());
  const naming = focus.terms.some((f) => f.covers.some((set) => set.every((t) => named.has(t))));
  // "How much has the customer claimed?" is for the claim's amount, not the customer's contact details.
  // Only a kind a field's name can tell counts, and only for a tool that says what it returns (an MCP tool may not).
  const typed = !checksKind(focus.answer) || tool.returns.length === 0 || returnsKind(tool, focus.answer) ? 1 : UNTYPED_TOOL;
  return (share > 0 && naming ? share + NAMED_BONUS : share) * typed;
}
