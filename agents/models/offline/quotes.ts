import { contentTerms, PLACEHOLDER, sentenceEvidence, type Focus, type Passage } from "../../knowledge/index.ts";
import { requestParts } from "../../tools/index.ts";

/** What a step quotes from one passage: a span of its sentences, and how much of the question the best of them covers. */
export interface Quote {
  passage: Passage;
  text: string;
  share: number;
  covered: Set<string>;
}

/** How many passages a step quotes from, at most. */
const MAX_QUOTES = 3;
/** A further passage is quoted only when its best sentence covers at least this share of what the best one does. */
const NEAR_BEST = 0.6;
/** How long a quote may grow with the sentences that follow its best one. */
const MAX_QUOTE = 360;
/** A following sentence joins a quote when it is this short: a conclusion ("Triggered when: 3 or more."), not a new subject. */
const SHORT = 110;

function cut(text: string): string {
  if (text.length <= MAX_QUOTE) return text;
  const space = text.lastIndexOf(" ", MAX_QUOTE - 1);
  return `${text.slice(0, space > 0 ? space : MAX_QUOTE - 1)}…`;
}

/**
 * A passage's quote around its best sentence: what introduces it when the best one is further in
 * (the list's introduction, "4.2.4 Not covered under 4.2:", before an item "(a) damage caused
 * by water leaking gradually"; else the section's opening sentence, which says what the clause is
 * about: "Damage caused by a storm: winds of at least 55 mph"), then the best sentence, then the
 * short sentences right after it, which often hold the conclusion of a rule or a worked example
 * ("Minus £500 = £9,300.00"); never a template's sentence with a placeholder to fill.
 */
function span(sentences: readonly string[], best: number): string {
  let lead = 0;
  for (let i = best - 1; i > 0; i -= 1) {
    if (sentences[i]!.trimEnd().endsWith(":")) {
      lead = i;
      break;
    }
  }
  const fits = (sentence: string) => !PLACEHOLDER.test(sentence);
  const picked =
    best > 0 && sentences[lead]!.length <= MAX_QUOTE / 2 && fits(sentences[lead]!)
      ? [sentences[lead]!, sentences[best]!]
      : [sentences[best]!];
  for (let i = best + 1; i < sentences.length; i += 1) {
    const next = sentences[i]!;
    if (next.length > SHORT || !fits(next) || [...picked, next].join(" ").length > MAX_QUOTE) break;
    picked.push(next);
  }
  return cut(picked.join(" "));
}

/**
 * What answers a question best, across passages: from each passage its best sentence (read with
 * its heading and title, and discounted when it lacks the kind of value asked for), in a span
 * (see `span`); the best passage first, then others nearly as good that cover words it missed.
 * Passages earlier in the list win ties.
 */
export function bestQuotes(passages: readonly Passage[], focus: Focus, max = MAX_QUOTES): Quote[] {
  const candidates: (Quote & { order: number })[] = [];
  passages.forEach((passage, order) => {
    const sentences = sentenceEvidence(focus, passage);
    let best = -1;
    sentences.forEach((s, i) => {
      if (s.share > 0 && (best < 0 || s.share > sentences[best]!.share)) best = i;
    });
    if (best < 0) return;
    const { share, missing } = sentences[best]!;
    const covered = new Set(focus.terms.map((f) => f.word).filter((w) => !missing.includes(w)));
    candidates.push({
      passage,
      text: span(
        sentences.map((s) => s.sentence),
        best,
      ),
      share,
      covered,
      order,
    });
  });
  candidates.sort((a, b) => b.share - a.share || a.order - b.order);
  const chosen: Quote[] = [];
  for (const quote of candidates) {
    if (chosen.length >= max) break;
    const first = chosen[0];
    if (first && quote.share < first.share * NEAR_BEST) break;
    if (first && ![...quote.covered].some((w) => !chosen.some((q) => q.covered.has(w))) && quote.share < first.share) continue;
    chosen.push(quote);
  }
  return chosen;
}

/** A focus narrowed to the words of one part of a request. */
function focusOnPart(focus: Focus, part: string): Focus {
  const words = new Set(contentTerms(part).values());
  return { ...focus, terms: focus.terms.filter((t) => words.has(t.word)) };
}

/**
 * What answers each part of a request ("What does the policy say about reporting time, and is that
 * a fraud indicator?"): the quotes for the whole, and for each part the best quote for its own
 * words when none of those chosen answers that part as well; no passage twice. One sentence
 * covering the most words of the whole is not the answer to each of its questions.
 */
export function quotesByPart(passages: readonly Passage[], focus: Focus, request: string): Quote[] {
  const chosen = bestQuotes(passages, focus);
  const parts = requestParts(request);
  if (parts.length < 2) return chosen;
  for (const part of parts) {
    const narrowed = focusOnPart(focus, part.text);
    if (narrowed.terms.length === 0) continue;
    const [best] = bestQuotes(passages, narrowed, 1);
    if (!best || chosen.some((q) => q.passage.id === best.passage.id)) continue;
    const answeredBy = (q: Quote) => bestQuotes([q.passage], narrowed, 1)[0]?.share ?? 0;
    if (chosen.some((q) => answeredBy(q) >= best.share)) continue;
    chosen.push(best);
  }
  return chosen;
}
