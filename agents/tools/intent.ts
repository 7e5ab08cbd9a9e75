import { normalizeToken, tokenize } from "../knowledge/index.ts";

/** What `requestedEffects` needs to know of a tool. */
export interface ToolIntent {
  name: string;
  description: string;
  kind: "query" | "effect";
  /** Its arguments: the words of their names are what the tool acts on, not its verb. */
  args?: Readonly<Record<string, unknown>>;
}

// Polite or framing words before the verb of a request: "please", "can you", "go ahead and", "then".
const LEAD_IN =
  /^(?:(?:please|kindly|now|then|and|also|so|ok|okay|finally|next)\b[\s,]*|(?:can|could|would|will) you\b\s*(?:please\b\s*)?|(?:i|we) (?:need|want|would like|'d like) you to\s+|i(?:'d| would) like you to\s+|go ahead and\s+|let'?s\s+)+/i;

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

// A clause that asks: it opens with an interrogative or an auxiliary ("what", "is", "can we"), or asks after a dash or a colon ("it's on finance - who do we pay", "after a flood: how much do we pay").
const ASKS =
  /^(?:what|what's|whats|how|who|who's|whom|whose|when|where|which|why|is|isn't|are|aren't|was|were|do|does|doesn't|did|has|have|had|am|should|would|will|can|could|may|might|must|shall)\b|(?:\s[-–]|:)\s*(?:what|how|who|when|where|which|why|is|are|do|does|can|should)\b/i;

/** Whether a clause asks something, by how it opens ("What ...", "is that ...", "... - who do we pay"). */
function asksQuestion(clause: string): boolean {
  return ASKS.test(clause.trim());
}

// Verbs a request opens with ("check the cover", "work out the payout", "email the customer").
const ORDERS = new Set([
  "add",
  "advise",
  "apply",
  "approve",
  "arrange",
  "ask",
  "assess",
  "book",
  "calculate",
  "call",
  "cancel",
  "check",
  "close",
  "compare",
  "compute",
  "confirm",
  "contact",
  "create",
  "decide",
  "decline",
  "deduct",
  "describe",
  "draft",
  "email",
  "escalate",
  "estimate",
  "explain",
  "file",
  "find",
  "flag",
  "follow",
  "forward",
  "get",
  "give",
  "handle",
  "inform",
  "investigate",
  "issue",
  "let",
  "list",
  "log",
  "look",
  "make",
  "notify",
  "open",
  "pay",
  "phone",
  "prepare",
  "process",
  "pull",
  "read",
  "record",
  "refer",
  "refund",
  "reject",
  "remind",
  "reply",
  "report",
  "request",
  "review",
  "ring",
  "run",
  "screen",
  "search",
  "send",
  "set",
  "settle",
  "show",
  "summarise",
  "summarize",
  "tell",
  "text",
  "transfer",
  "update",
  "validate",
  "verify",
  "work",
  "write",
]);

/**
 * Whether a clause orders something: it opens (after "please", "can you", ...) with a verb of a
 * request, or with the verb of one of the effects at hand ("place the lot on hold").
 */
export function ordersAction(clause: string, effects: readonly ToolIntent[] = []): boolean {
  const first = tokenize(clause.trim().replace(LEAD_IN, ""))[0];
  if (first === undefined) return false;
  return ORDERS.has(first) || effects.some((e) => e.kind === "effect" && verbsOf(e).has(normalizeToken(first)));
}

/** Whether a request is a question: it has a "?" or a clause that asks. */
export function isQuestion(request: string): boolean {
  return request.includes("?") || requestClauses(request).some(asksQuestion);
}

// Where one clause ends and the next begins (see requestClauses).
const BOUNDARY = /(?<=[.!?;])\s+|(?:(?<!\d),|,(?!\d{3}\b))\s*(?:(?:and then|and|then)\s+)?|\s+(?:and then|and|then)\s+/gi;

/**
 * The parts of a request, each to be routed on its own: its clauses, except that a clause that
 * only tells ("Customer claims £12,500 for a car with a £500 excess.", "Customer on claim
 * CLM-1001 reports that a burst pipe flooded the kitchen.") is context for the next clause that
 * asks or orders ("What's the payout?", "Check the cover") and goes with it, as written; a telling
 * clause after the last of those ends it. Each part keeps its `head`: the clause that asks or orders.
 */
export function requestParts(request: string, tools: readonly ToolIntent[] = []): { text: string; head: string }[] {
  const clauses: { start: number; end: number; text: string }[] = [];
  let at = 0;
  for (const boundary of [...request.matchAll(BOUNDARY), { index: request.length, 0: "" }]) {
    const text = request.slice(at, boundary.index).trim();
    if (text.replace(/[.!?;]+$/, "") !== "") clauses.push({ start: at, end: boundary.index!, text });
    at = boundary.index! + boundary[0].length;
  }
  const tidy = (text: string) => text.trim().replace(/[.!?;,]+$/, "");
  const parts: { start: number; end: number; head: string }[] = [];
  let from: number | undefined;
  for (const clause of clauses) {
    from ??= clause.start;
    if (asksQuestion(clause.text) || ordersAction(clause.text, tools)) {
      parts.push({ start: from, end: clause.end, head: clause.text });
      from = undefined;
    }
  }
  if (from !== undefined) {
    if (parts.length > 0) parts[parts.length - 1]!.end = request.length;
    else parts.push({ start: from, end: request.length, head: request.slice(from) });
  }
  return parts.map((p) => ({ text: tidy(request.slice(p.start, p.end)), head: tidy(p.head) }));
}

/** The words of identifiers such as "lot_id" or "claimId". */
function identifierWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .split(/[_\W]+/)
    .filter(Boolean)
    .map((w) => normalizeToken(w.toLowerCase()));
}

/**
 * The verbs that ask for a tool's action: the words of its name, and the first word of its
 * description ("Pay a claim: ..."), less what it acts on (the words of its arguments' names):
 * "release_lot" is asked for by "release", never by a clause that opens "Lot LOT-24108 shows ...".
 */
function verbsOf(tool: ToolIntent): Set<string> {
  const objects = new Set(Object.keys(tool.args ?? {}).flatMap(identifierWords));
  const words = [...identifierWords(tool.name), normalizeToken((tokenize(tool.description)[0] ?? "").toLowerCase())];
  return new Set(words.filter((w) => w !== "" && !objects.has(w)));
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
