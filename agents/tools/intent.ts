import { normalizeToken, tokenize } from "../knowledge/index.ts";

/** What `requestedEffects` needs to know of a tool. */
export interface ToolIntent {
  name: string;
  description: string;
  kind: "query" | "effect";
}

// Polite or framing words before the verb of a request: "please", "can you", "go ahead and", "then".
const LEAD_IN = /^(?:(?:please|kindly|now|then|and|also|so|ok|okay|finally|next)\b[\s,]*|(?:can|could|would|will) you\b\s*(?:please\b\s*)?|(?:i|we) (?:need|want|would like|'d like) you to\s+|i(?:'d| would) like you to\s+|go ahead and\s+|let'?s\s+)+/i;

/**
 * Splits a request into clauses: sentences, then parts joined by ";", "then", "and" or a comma
 * (not the comma of a number such as £50,000).
 */
export function requestClauses(text: string): string[] {
  return text
    .split(/(?<=[.!?;])\s+|(?:(?<!\d),|,(?!\d{3}\b))\s*(?:(?:and then|and|then)\s+)?|\s+(?:and then|and|then)\s+/i)
    .map((c) => c.trim().replace(/[.!?;]+$/, ""))
    .filter((c) => c.length > 0);
}

/** The verbs that ask for a tool's action: the words of its name, and the first word of its description ("Pay a claim: ..."). */
function verbsOf(tool: ToolIntent): Set<string> {
  const words = [...tool.name.split(/[_\W]+/), tokenize(tool.description)[0] ?? ""];
  return new Set(words.filter(Boolean).map((w) => normalizeToken(w.toLowerCase())));
}

/** The first word of a clause once its lead-in is dropped, as a stem: the verb of an imperative. */
function leadingVerb(clause: string): string | undefined {
  const first = tokenize(clause.replace(LEAD_IN, ""))[0];
  return first === undefined ? undefined : normalizeToken(first);
}

/**
 * The effect tools a request asks for: those whose verb opens one of its clauses, as an
 * imperative ("Pay it", "please email the customer", "can you send ..."). A question ("What would
 * we pay on CLM-1043?", "Should we pay it?") asks for no effect, whatever words it uses.
 * @example requestedEffects("Check the cover, pay it and email the customer.", tools) // Set {"issue_payment", "send_email"}
 */
export function requestedEffects(request: string, tools: readonly ToolIntent[]): Set<string> {
  const effects = tools.filter((t) => t.kind === "effect").map((t) => ({ name: t.name, verbs: verbsOf(t) }));
  const requested = new Set<string>();
  for (const clause of requestClauses(request)) {
    const verb = leadingVerb(clause);
    if (verb === undefined) continue;
    for (const effect of effects) if (effect.verbs.has(verb)) requested.add(effect.name);
  }
  return requested;
}
