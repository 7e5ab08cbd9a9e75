import { processTerm, tokenize } from "./text.ts";

/** Upper bound on an excerpt's length, ellipses included. */
export const EXCERPT_LENGTH = 320;
// How much text to keep before the first matching word when a sentence must be cut.
const LEAD_IN = 60;

/** Query terms, each with how telling it is; a plain set weighs every term 1. */
export type WeightedTerms = ReadonlySet<string> | ReadonlyMap<string, number>;

/**
 * The sentence of a chunk that matches the query terms best (the most telling ones weigh most),
 * widened by neighbouring sentences that also match while they fit, and cut on word boundaries.
 */
export function makeExcerpt(text: string, terms: WeightedTerms, maxLength = EXCERPT_LENGTH): string {
  const sentences = splitSentences(text);
  const scores = sentences.map((s) => matchWeight(s, terms));
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
export function splitSentences(text: string): string[] {
  const blocks = text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/(\*{1,3}|`)([^*`\n]+)\1/g, "$2")
    // List items, "(a)" clauses of a wording included, and table rows are sentences of their own.
    .split(/\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)]|\([a-z\d]{1,3}\))\s)|\n(?=\s*\|)/)
    // A table's header row names its columns; it says nothing on its own.
    .filter((b, i, all) => !(b.trim().startsWith("|") && tableRow(all[i + 1] ?? "") === ""))
    .map(
      (b) =>
        tableRow(b) ??
        b
          .replace(/^\s*(?:[-*+>]|\d+[.)])\s+/, "")
          .replace(/\s+/g, " ")
          .trim(),
    )
    .filter((b) => b !== "");
  return blocks.flatMap((b) => joinLabels(b.split(/(?<=[.!?])\s+(?=["'“(]?[\p{Lu}\p{N}])/u)));
}

/** A clause's numbered label ("4.2.1 What is covered.") belongs to the sentence after it. */
function joinLabels(sentences: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < sentences.length; i += 1) {
    const sentence = sentences[i]!;
    const next = sentences[i + 1];
    if (next !== undefined && /^\d+(?:\.\d+)+\.?\s/.test(sentence) && sentence.split(/\s+/).length <= 6) {
      joined.push(`${sentence} ${next}`);
      i += 1;
    } else joined.push(sentence);
  }
  return joined;
}

/** A Markdown table row as a sentence ("Money and gift cards: £300"); "" for a separator row; undefined for anything else. */
function tableRow(block: string): string | undefined {
  const line = block.trim();
  if (!line.startsWith("|")) return undefined;
  const cells = line
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split("|")
    .map((c) => c.trim());
  if (cells.every((c) => /^:?-{3,}:?$/.test(c) || c === "")) return "";
  return cells.length === 2 ? `${cells[0]}: ${cells[1]}` : cells.join("; ");
}

/** The summed weight of the distinct query terms a sentence holds. */
export function matchWeight(sentence: string, terms: WeightedTerms): number {
  const found = new Set<string>();
  for (const token of tokenize(sentence)) {
    const term = processTerm(token);
    if (term && terms.has(term)) found.add(term);
  }
  let weight = 0;
  for (const term of found) weight += terms instanceof Map ? (terms.get(term) ?? 0) : 1;
  return weight;
}

/** Character offset of the first word in text whose term is in terms. */
function firstMatch(text: string, terms: WeightedTerms): number {
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
