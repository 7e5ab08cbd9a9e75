import type { GlossaryEntry } from "./glossary.ts";
import { normalizeToken, queryTerms, termWords, tokenize } from "./text.ts";

// Enough aliases to reach the wording a document uses; the first ones listed are the main ones.
const KEY_ALIASES = 3;
// Task words beyond these add more noise than recall.
const MAX_TASK_WORDS = 8;
// Words of a request that say what to do, not what it is about.
const TASK_FILLER = new Set([
  "please",
  "check",
  "review",
  "assess",
  "decide",
  "determine",
  "tell",
  "help",
  "need",
  "want",
  "whether",
  "confirm",
  "look",
  "find",
  "let",
  "know",
  "handle",
  "process",
]);

/**
 * Rewrites a query for a second retrieval attempt, deterministically: adds each glossary term
 * (and its key aliases) whose term or alias appears in the query or task, then the task's
 * content words. Only words whose terms the query lacks are added, so nothing is counted twice.
 * @example expandQuery("flooded kitchen", { glossary }) // "flooded kitchen Escape of water burst pipe leaking"
 */
export function expandQuery(query: string, context: { task?: string; glossary: readonly GlossaryEntry[] }): string {
  const task = context.task ?? "";
  const texts = [phraseKey(query), phraseKey(task)];
  const known = new Set(queryTerms(query));
  const additions: string[] = [];

  const add = (phrase: string): void => {
    const fresh = [...termWords(phrase)].filter(([term]) => !known.has(term));
    if (fresh.length === 0) return;
    const complete = fresh.length === termWords(phrase).size;
    // A phrase reads better whole ("Escape of water"), but only its new words if some are known.
    additions.push(complete ? phrase.trim() : fresh.map(([, word]) => word).join(" "));
    for (const [term] of fresh) known.add(term);
  };

  for (const entry of context.glossary) {
    const names = [entry.term, ...entry.aliases];
    if (!names.some((name) => texts.some((text) => containsPhrase(text, name)))) continue;
    add(entry.term);
    entry.aliases.slice(0, KEY_ALIASES).forEach(add);
  }
  salientWords(task).forEach(add);

  return [query.trim(), ...additions].filter((part) => part !== "").join(" ");
}

/** Text as space-separated stems, padded so phrases match only on whole words. */
function phraseKey(text: string): string {
  return ` ${tokenize(text).map(normalizeToken).join(" ")} `;
}

function containsPhrase(text: string, phrase: string): boolean {
  const key = phraseKey(phrase);
  return key.trim() !== "" && text.includes(key);
}

/** The task's content words, without identifiers such as CLM-1001, amounts or dates. */
function salientWords(task: string): string[] {
  const prose = task
    .split(/\s+/)
    .filter((word) => !/\d/.test(word))
    .join(" ");
  return [...termWords(prose).values()].filter((word) => word.length >= 3 && !TASK_FILLER.has(word)).slice(0, MAX_TASK_WORDS);
}
