import type { GlossaryEntry } from "./glossary.ts";
import type { Passage } from "./retriever.ts";
import type { TermStats } from "./term-stats.ts";
import { termWords, tokenize } from "./text.ts";

/** Below this share of a question's weight covered by one passage, the evidence is weak. */
export const WEAK_EVIDENCE = 0.5;
const NEGATIONS = new Set(["not", "no", "never", "without"]);
/** What a word weighs when a sentence's heading or title covers it, not the sentence. */
const HEADING_WEIGHT = 0.5;

/** What a word no document has weighs, relative to the question's known words. */
const ABSENT_WEIGHT = 0.5;

import { answerType, answerTypes, holdsAnswer, type AnswerType } from "./answer-type.ts";
import { splitSentences } from "./excerpt.ts";
import { FILLER_WORDS } from "./filler-words.ts";
import { RECORD_IDENTIFIER } from "../text/index.ts";

/**
 * What a question names that only a back-end can know about: record identifiers ("CLM-1008",
 * "HOM-5003") and capitalised words no document has (a person: "Rajesh Patel").
 */
export function recordReferences(text: string, stats: TermStats): string[] {
  const identifiers = text.match(RECORD_IDENTIFIER) ?? [];
  // Capitalised inside a sentence, not at its start ("... got in. We've got contents cover"), and not filler.
  const names = [...text.replace(RECORD_IDENTIFIER, " ").matchAll(/(?<=[^\s.!?]\s+)([A-Z][a-z'’]+(?:\s+[A-Z][a-z'’]+)*)/g)]
    .map((m) => m[1]!)
    .filter((name) => {
      const terms = [...contentTerms(name).keys()];
      return terms.length > 0 && terms.every((t) => stats.frequency(t) === 0 && stats.correct(t) === undefined);
    });
  return [...new Set([...identifiers, ...names])];
}

/** A question's content terms: its search terms without identifiers and everyday filler, each mapped to its word. */
export function contentTerms(text: string): Map<string, string> {
  const words = termWords(text.replace(RECORD_IDENTIFIER, " "));
  for (const [term, word] of [...words]) if (FILLER_WORDS.has(term) || FILLER_WORDS.has(word.replace(/'/g, ""))) words.delete(term);
  return words;
}

/** One content term of a question: how much it weighs, and the terms that stand for it in a passage. */
export interface FocusTerm {
  word: string;
  weight: number;
  /** Sets of terms, any one of which, found whole, covers the word: the term itself, its correction, its glossary entry's words. */
  covers: string[][];
}

function termsOf(phrase: string): string[] {
  return [...termWords(phrase).keys()];
}

/** What a question is about: its weighted content words, and the kind of value it asks for. */
export interface Focus {
  terms: readonly FocusTerm[];
  /** The kind of value a sentence must hold to answer it. */
  answer: AnswerType;
  /** Every kind of value it asks for (a record's fields answer each). */
  wants: readonly AnswerType[];
}

/** A question's focus without term statistics: each content word weighs 1 and stands for itself. */
export function plainFocus(question: string): Focus {
  return {
    terms: [...contentTerms(question)].map(([term, word]) => ({ word, weight: 1, covers: [[term]] })),
    answer: answerType(question),
    wants: answerTypes(question),
  };
}

/** A glossary phrase a question may use: its terms, and the terms of what else stands for its entry. */
interface GlossaryPhrase {
  terms: readonly string[];
  alternatives: readonly string[][];
}

/** Each glossary's phrases, read once: a glossary is the pack's, and every question is matched against it. */
const phrasesOfGlossary = new WeakMap<readonly GlossaryEntry[], readonly GlossaryPhrase[]>();

/**
 * The phrases of a glossary that can stand for their entry: each entry's term and aliases, and the
 * hyphenated words in them ("sign-off" of "sign-off limit"), which people write apart and around
 * other words ("who signs the payment off"). One word among small ones ("most you will pay") or a
 * negation ("not covered") is too loose to stand for its entry; a verb and its particle ("knocked
 * over") is not.
 */
function glossaryPhrases(glossary: readonly GlossaryEntry[]): readonly GlossaryPhrase[] {
  let read = phrasesOfGlossary.get(glossary);
  if (read) return read;
  read = glossary.flatMap((entry) => {
    const phrases = [entry.term, ...entry.aliases];
    const entryTerms = termsOf(entry.term);
    const compounds = phrases.flatMap((p) => p.match(/\b[a-z]+-[a-z]+\b/gi) ?? []).filter((c) => !phrases.includes(c));
    return [...phrases, ...compounds].flatMap((phrase) => {
      const terms = termsOf(phrase);
      const words = tokenize(phrase);
      const loose = terms.length === 1 && (words.length > 2 || words.some((w) => NEGATIONS.has(w)));
      if (terms.length === 0 || loose) return [];
      const alternatives = [entryTerms, ...phrases.filter((p) => p !== phrase).map(termsOf)].filter((t) => t.length > 0);
      return [{ terms, alternatives }];
    });
  });
  phrasesOfGlossary.set(glossary, read);
  return read;
}

/**
 * What a question is about, as weighted terms: each content word weighs as rare as it is in the
 * documents, and is covered by itself, by the known word it misspells, or, when it is part of a
 * glossary phrase ("the bit I pay", "gale"), by the words of that entry's term ("excess", "storm");
 * and the kind of value it asks for (an amount, a duration, a number).
 */
export function focusOf(question: string, context: { stats: TermStats; glossary: readonly GlossaryEntry[] }): Focus {
  const asked = new Set(termWords(question).keys());
  const synonyms = new Map<string, string[][]>();
  for (const { terms: phraseTerms, alternatives } of glossaryPhrases(context.glossary)) {
    if (!phraseTerms.every((t) => asked.has(t))) continue;
    for (const term of phraseTerms) {
      const known = synonyms.get(term) ?? [];
      synonyms.set(term, [...known, ...alternatives.filter((a) => !known.some((k) => k.join(" ") === a.join(" ")))]);
    }
  }
  const terms = [...contentTerms(question)].flatMap(([term, word]) => {
    const corrected = context.stats.correct(term);
    // "mcuh" is "much": filler, once spelt right.
    if (corrected !== undefined && FILLER_WORDS.has(corrected)) return [];
    const known = corrected ?? term;
    const isKnown = context.stats.frequency(known) > 0 || synonyms.has(term);
    // A figure of the story ("only in 2 mins", "my lad's 19") or a fragment ("co-op") no document has says nothing of the answer.
    if (!isKnown && (/^\d+$/.test(term) || term.length <= 2)) return [];
    const covers = [[term], ...(corrected ? [[corrected]] : []), ...(synonyms.get(term) ?? [])];
    return [{ word, known: isKnown, weight: context.stats.weight(known), covers }];
  });
  // A word no document has (slang, a detail of the story, a name, a topic the pack lacks) cannot be
  // told apart by rarity: it weighs half what the question's known words do on average, not the most.
  const known = terms.filter((t) => t.known);
  const typical = known.length > 0 ? known.reduce((sum, t) => sum + t.weight, 0) / known.length : 1;
  return {
    terms: terms.map(({ word, known: isKnown, weight, covers }) => ({ word, weight: isKnown ? weight : typical * ABSENT_WEIGHT, covers })),
    answer: answerType(question),
    wants: answerTypes(question),
  };
}

/**
 * How well a set of terms (a sentence's, a record's) covers a question's focus: the share of its
 * weight, 0 to 1. Terms only in `context` (a sentence's heading and title) cover at half weight:
 * a sentence that says it beats one that sits under a heading that does.
 */
export function coverage(
  focus: readonly FocusTerm[],
  terms: ReadonlySet<string>,
  context: ReadonlySet<string> = new Set(),
): { share: number; missing: string[] } {
  const total = focus.reduce((sum, f) => sum + f.weight, 0);
  if (total === 0) return { share: 0, missing: [] };
  let covered = 0;
  const missing: string[] = [];
  for (const f of focus) {
    if (f.covers.some((set) => set.every((t) => terms.has(t)))) covered += f.weight;
    else if (f.covers.some((set) => set.every((t) => terms.has(t) || context.has(t)))) covered += f.weight * HEADING_WEIGHT;
    else missing.push(f.word);
  }
  return { share: covered / total, missing };
}

/** How well retrieved passages answer a question. */
export interface Evidence {
  /** The best passage's coverage of the question's weighted content words, 0 to 1. */
  strength: number;
  weak: boolean;
  /** Content words the best passage does not cover. */
  missing: string[];
  /** The best passage's id, if any. */
  best?: string;
}

/** A sentence that lacks the kind of value its question asks for counts for this share of its coverage. */
const UNTYPED = 0.6;
/** A sentence this short that follows another is read with it, as its conclusion. */
const CONCLUSION = 60;
/** A letter template's placeholder ("£{{amount}}"): a sentence that holds one is a form to fill, not evidence. */
export const PLACEHOLDER = /\{\{\s*\w+\s*\}\}/;

/** A sentence of a passage, read with its heading and its document's title, as evidence for a question. */
export interface SentenceEvidence {
  sentence: string;
  share: number;
  missing: string[];
}

/**
 * Each sentence of a passage with its coverage of a question (discounted when it lacks the value
 * asked for), read with a short conclusion that follows it; a template's sentence with a
 * placeholder covers nothing.
 */
export function sentenceEvidence(focus: Focus, passage: Pick<Passage, "text" | "section" | "title">): SentenceEvidence[] {
  const context = new Set(termWords(`${passage.title} ${passage.section}`).keys());
  const asked = new Set(focus.terms.map((t) => t.word.toLowerCase()));
  const sentences = splitSentences(passage.text);
  return sentences.map((sentence, i) => {
    if (PLACEHOLDER.test(sentence)) return { sentence, share: 0, missing: focus.terms.map((t) => t.word) };
    // A rule's short conclusion is read with it: "5.6.3 A bicycle left unattended must be locked
    // ... We will not pay for a bicycle stolen while unlocked."
    const next = sentences[i + 1];
    // A short sentence that introduces what follows ("4.2.4 Not covered under 4.2:") concludes nothing.
    const concludes = next !== undefined && next.length <= CONCLUSION && !next.trimEnd().endsWith(":") && !PLACEHOLDER.test(next);
    const read = concludes ? `${sentence} ${next}` : sentence;
    const measured = coverage(focus.terms, new Set(termWords(read).keys()), context);
    return { sentence, share: measured.share * (holdsAnswer(read, focus.answer, asked) ? 1 : UNTYPED), missing: measured.missing };
  });
}

/**
 * How many of a question's content words one sentence can be expected to answer. A customer's
 * question is often a story around it ("my lad's mountain bike got nicked from outside the leisure
 * centre ... how much will you pay?"): of its twenty words no sentence says more than a few, and
 * its evidence is weak only below the share of what one sentence could cover.
 */
const SENTENCE_REACH = 8;

/**
 * How well passages answer a question: the coverage of their best sentence (with its heading and
 * title), discounted when it lacks the kind of value asked for; weak below the threshold, scaled
 * down for a question of more than `SENTENCE_REACH` content words. A question with no content
 * words (all identifiers) has no evidence to weigh and is weak.
 */
export function assessEvidence(focus: Focus, passages: readonly Passage[], threshold = WEAK_EVIDENCE): Evidence {
  let best: { share: number; missing: string[]; id?: string } = { share: 0, missing: focus.terms.map((f) => f.word) };
  for (const passage of passages) {
    for (const measured of sentenceEvidence(focus, passage))
      if (measured.share > best.share) best = { share: measured.share, missing: measured.missing, id: passage.id };
  }
  // One sentence can cover only so much of a long question: it is judged on the share one could.
  const reachable = Math.min(1, SENTENCE_REACH / Math.max(1, focus.terms.length));
  return { strength: best.share, weak: best.share < threshold * reachable, missing: best.missing, ...(best.id ? { best: best.id } : {}) };
}
