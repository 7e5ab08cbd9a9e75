import { processTerm, tokenize } from "./text.ts";

/** Upper bound on an excerpt's length, ellipses included. */
export const EXCERPT_LENGTH = 320;
// How much text to keep before the first matching word when a sentence must be cut.
const LEAD_IN = 60;

/**
 * The sentence of a chunk that matches the most query terms, widened by neighbouring
 * sentences that also match while they fit, and cut on word boundaries.
 */
export function makeExcerpt(
  text: string,
  terms: ReadonlySet<string>,
  maxLength = EXCERPT_LENGTH,
): string {
  const sentences = splitSentences(text);
  const scores = sentences.map((s) => matchCount(s, terms));
  let best = 0;
  scores.forEach((score, i) => {
    if (score > (scores[best] ?? 0)) best = i;
  });
  if ((scores[best] ?? 0) === 0) return cut(sentences.join(" "), 0, maxLength);

  let first = best;
  let last = best;
  let length = sentences[best]?.length ?? 0;
  for (let grew = true; grew; ) {
    grew = false;
    for (const i of [last + 1, first - 1]) {
      const sentence = sentences[i];
      if (!sentence || (scores[i] ?? 0) === 0 || length + 1 + sentence.length > maxLength) continue;
      length += 1 + sentence.length;
      if (i > last) last = i;
      else first = i;
      grew = true;
    }
  }
  const span = sentences.slice(first, last + 1).join(" ");
  return cut(span, firstMatch(span, terms), maxLength);
}

/** Plain sentences: Markdown markers dropped, wrapped lines joined, list items kept apart. */
function splitSentences(text: string): string[] {
  const blocks = text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/(\*{1,3}|`)([^*`\n]+)\1/g, "$2")
    // List items, "(a)" clauses of a wording included, are sentences of their own.
    .split(/\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)]|\([a-z\d]{1,3}\))\s)/)
    .map((b) => b.replace(/^\s*(?:[-*+>]|\d+[.)])\s+/, "").replace(/\s+/g, " ").trim())
    .filter((b) => b !== "");
  return blocks.flatMap((b) => b.split(/(?<=[.!?])\s+(?=["'“(]?[\p{Lu}\p{N}])/u));
}

function matchCount(sentence: string, terms: ReadonlySet<string>): number {
  const found = new Set<string>();
  for (const token of tokenize(sentence)) {
    const term = processTerm(token);
    if (term && terms.has(term)) found.add(term);
  }
  return found.size;
}

/** Character offset of the first word in text whose term is in terms. */
function firstMatch(text: string, terms: ReadonlySet<string>): number {
  for (const match of text.matchAll(/\S+/g)) {
    if (tokenize(match[0]).some((t) => terms.has(processTerm(t) ?? ""))) return match.index;
  }
  return 0;
}

/** At most maxLength characters of text around `from`, cut between words, marked with "…". */
function cut(text: string, from: number, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let start = 0;
  if (from + LEAD_IN > maxLength) {
    const space = text.lastIndexOf(" ", Math.max(0, from - LEAD_IN));
    start = space < 0 ? 0 : space + 1;
  }
  const prefix = start > 0 ? "…" : "";
  const room = maxLength - prefix.length - 1;
  let end = start + room;
  if (end >= text.length) return prefix + text.slice(start);
  const space = text.lastIndexOf(" ", end);
  if (space > start) end = space;
  return `${prefix}${text.slice(start, end).trimEnd()}…`;
}
