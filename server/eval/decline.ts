// How answers say that the documents and records do not answer a question: Guild's own wording
// ("The documents and back-end do not answer this"), and what language models commonly write.
const DECLINE = new RegExp(
  [
    String.raw`\b(?:documents?|records?|back-end|knowledge|passages?|sources?|information)\b[^.]{0,60}(?:(?:do|does|did)(?: not|n't|nt)|cannot|can't|could not|couldn't)\b[^.]{0,20}\b(?:answer|say|state|show|mention|include|contain|cover|specify|give|provide|hold)`,
    String.raw`\b(?:could not|couldn't|cannot|can't|unable to|not able to)\s+(?:find|answer|determine|tell|confirm|locate|see)\b`,
    String.raw`\bno (?:information|record|details?|data|mention|answer)\b`,
    String.raw`\b(?:is|are) not (?:stated|mentioned|specified|recorded|given|available|held|provided)\b`,
    String.raw`\bnot (?:in|covered by) (?:the|our|my) (?:documents?|records?|knowledge)\b`,
    String.raw`\bI (?:do not|don't) (?:know|have)\b`,
  ].join("|"),
  "i",
);

/**
 * Whether an answer declines: says the documents and records do not answer the question, instead
 * of answering it.
 * @example declines("The documents and back-end do not answer this: searched ...") // true
 */
export function declines(answer: string): boolean {
  return DECLINE.test(answer);
}
