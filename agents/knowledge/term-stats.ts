import type { Chunk } from "./chunk.ts";
import { processTerm, stem, tokenize } from "./text.ts";

/** How often each term occurs in a set of chunks: how telling a word is, and what a misspelt one meant. */
export interface TermStats {
  /** How many chunks there are. */
  readonly chunks: number;
  /** In how many chunks a term occurs. */
  frequency(term: string): number;
  /** How telling a term is (inverse chunk frequency): rare terms weigh most; a term no chunk has, a little more still. */
  weight(term: string): number;
  /** The known term a misspelt one most likely meant ("exess" -> "excess"), or undefined. */
  correct(term: string): string | undefined;
}

/** The terms of a chunk: of its text, heading, title and aliases. */
export function chunkTerms(chunk: Pick<Chunk, "text" | "section" | "title"> & { aliases?: string }): Set<string> {
  const terms = new Set<string>();
  for (const token of tokenize(`${chunk.title} ${chunk.section} ${chunk.text} ${chunk.aliases ?? ""}`)) {
    const term = processTerm(token);
    if (term) terms.add(term);
  }
  return terms;
}

/** Damerau-Levenshtein distance (with adjacent transpositions), giving up past `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    let best = Infinity;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
  }
  return rows[a.length]![b.length]!;
}

/**
 * Term statistics of chunks. A term unknown to them is corrected to a known one at one edit (two
 * for long words), the most frequent such: short words are left alone, since "pet" is not a typo
 * of "pest", and so is a word that only adds or drops an ending.
 */
export function termStats(chunks: readonly (Pick<Chunk, "text" | "section" | "title"> & { aliases?: string })[]): TermStats {
  const counts = new Map<string, number>();
  for (const chunk of chunks) for (const term of chunkTerms(chunk)) counts.set(term, (counts.get(term) ?? 0) + 1);
  const vocabulary = [...counts.keys()].filter((t) => !/\d/.test(t)).sort();
  const corrections = new Map<string, string | undefined>();
  const total = chunks.length;
  return {
    chunks: total,
    frequency: (term) => counts.get(term) ?? 0,
    weight: (term) => Math.log(1 + total / (1 + (counts.get(term) ?? 0))),
    correct(term) {
      if (counts.has(term) || term.length < 5 || /\d/.test(term)) return undefined;
      if (corrections.has(term)) return corrections.get(term);
      // A past tense with its "e" dropped ("coverd", "claimd") is the word it misspells.
      const dropped = term.endsWith("d") ? stem(`${term.slice(0, -1)}ed`) : undefined;
      if (dropped !== undefined && counts.has(dropped)) {
        corrections.set(term, dropped);
        return dropped;
      }
      const max = term.length >= 8 ? 2 : 1;
      let best: { term: string; distance: number; count: number } | undefined;
      for (const known of vocabulary) {
        // A word that only adds or drops an ending ("telly", "tell") is another word, not a typo.
        if (known[0] !== term[0] || known.startsWith(term) || term.startsWith(known)) continue;
        const d = distance(term, known, max);
        if (d > max) continue;
        const count = counts.get(known)!;
        if (!best || d < best.distance || (d === best.distance && count > best.count)) best = { term: known, distance: d, count };
      }
      corrections.set(term, best?.term);
      return best?.term;
    },
  };
}
