import { EVERYDAY_WORDS } from "./everyday-words.ts";
import { STOP_WORDS } from "./stop-words.ts";

// Letters and digits, keeping in-word apostrophes and dots so "insurer's" and clause numbers
// like "4.2" survive as one token.
const TOKEN = /[\p{L}\p{N}]+(?:['’.][\p{L}\p{N}]+)*/gu;
const KEEP_DOUBLE = new Set(["l", "s", "z"]);
// Irregular forms the suffix rules cannot reach, and "payment", the act of paying. "Paid" stays
// apart: "what would we pay?" asks about a payout, "the total already paid" about past payments.
const IRREGULAR = new Map([
  ["payment", "pay"],
  ["payments", "pay"],
  ["sent", "send"],
  ["made", "make"],
  ["stolen", "steal"],
  ["stole", "steal"],
  ["broken", "break"],
  ["broke", "break"],
  ["lost", "lose"],
  ["written", "write"],
  ["wrote", "write"],
  ["taken", "take"],
  ["took", "take"],
  ["given", "give"],
  ["gave", "give"],
  ["bought", "buy"],
  ["brought", "bring"],
  ["caught", "catch"],
  ["fell", "fall"],
  ["fallen", "fall"],
  ["blew", "blow"],
  ["blown", "blow"],
  ["burnt", "burn"],
  ["froze", "freeze"],
  ["frozen", "freeze"],
  ["hit", "hit"],
  ["kept", "keep"],
  ["held", "hold"],
  ["told", "tell"],
]);

/** Splits text into lowercase tokens; dotted words ("e.g") split, dotted numbers ("4.2") stay. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.toLowerCase().matchAll(TOKEN)) {
    const token = match[0].replace(/’/g, "'");
    if (token.includes(".") && !/^[\d.]+$/.test(token)) tokens.push(...token.split("."));
    else tokens.push(token);
  }
  return tokens;
}

/** Lowercases, drops possessives and apostrophes, and stems one token; keeps stop words. */
export function normalizeToken(token: string): string {
  return stem(clean(token));
}

/**
 * The index- and query-time term: null for stop words and stray letters, the stem otherwise.
 * MiniSearch calls it for both, which is what keeps "pipes" and "pipe" the same term.
 */
export function processTerm(token: string): string | null {
  const word = clean(token);
  if (STOP_WORDS.has(word)) return null;
  if (word.length < 2 && !/\d/.test(word)) return null;
  return stem(word);
}

/** Each distinct search term of a text, mapped to the first word that produced it. */
export function termWords(text: string): Map<string, string> {
  const words = new Map<string, string>();
  for (const token of tokenize(text)) {
    const term = processTerm(token);
    if (term && !words.has(term)) words.set(term, token);
  }
  return words;
}

/** The distinct search terms of a text, in order of first use. */
export function queryTerms(text: string): string[] {
  return [...termWords(text).keys()];
}

/**
 * A deliberately light stemmer: plural -s/-es/-ies, -ing, -ed and a final -e, and a few irregular
 * forms ("stolen", "payment"), after informal words become the formal ones ("nicked" is "stolen").
 * It only has to be consistent, since the same function runs at index and query time; Porter-style
 * aggressiveness would merge words that the policy documents keep apart.
 */
export function stem(informal: string): string {
  const word = EVERYDAY_WORDS.get(informal) ?? informal;
  const irregular = IRREGULAR.get(word);
  if (irregular !== undefined) return irregular;
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);

  if (w.endsWith("ied") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("ing") && isStem(w.slice(0, -3))) w = undouble(w.slice(0, -3));
  else if (w.endsWith("ed") && isStem(w.slice(0, -2))) w = undouble(w.slice(0, -2));

  if (w.endsWith("e") && w.length > 3) w = w.slice(0, -1);
  return w;
}

function clean(token: string): string {
  return token.toLowerCase().replace(/'s$/, "").replace(/'/g, "");
}

function isStem(rest: string): boolean {
  return rest.length >= 3 && /[aeiouy]/.test(rest);
}

// "stopped" -> "stop", "running" -> "run"; but "called" stays "call".
function undouble(w: string): string {
  const last = w.at(-1) ?? "";
  return w.length > 3 && last === w.at(-2) && !/[aeiou]/.test(last) && !KEEP_DOUBLE.has(last) ? w.slice(0, -1) : w;
}
