/** What kind of answer a question asks for, when it asks for a value. */
export type AnswerType = "amount" | "duration" | "number" | "name" | "any";

// "how much", "what's the limit/excess/payout ...", "what percentage": money or a share.
const AMOUNT =
  /\bhow much\b|\bwhat(?:'s| is| are|s)? (?:the |our |my |their |a )?(?:\w+ ){0,2}(?:limit|excess|payout|pay-?out|amount|cost|fee|premium|price|rate|sum insured|value|maximum|max|minimum|most)\b|\bwhat percentage\b|\bhow many pounds\b/i;
// "how long", "how soon", "how quickly", "within how many days", "by when", "when do we have to".
const DURATION =
  /\bhow (?:long|soon|quickly|fast)\b|\bwithin how\b|\bby when\b|\bhow many (?:working )?(?:days|weeks|months|hours|years)\b|\bwhen (?:do|does|must|should|have|has) (?:we|i|you|they|the customer|a customer|customers)\b[^.?]*\b(?:by|have to|need to|must|got to)\b/i;
// "how many claims", "what number of", "what account number".
const NUMBER = /\bhow many\b|\bwhat number of\b|\bwhat (?:\w+ ){0,3}number\b/i;
// "what's the name of", "the name of the adjuster", "who's the policyholder", "who is the current ...".
const NAME = /\bwhat(?:'s| is| was)? (?:the |their |his |her |its )?(?:\w+ )?name\b|\bname of\b|\bwho(?:'s| is| was)\b/i;

const HOLDS = {
  // A figure, or the rule that gives one ("the lesser of", "up to the declared value, minus your excess").
  amount:
    /£\s?\d|\b\d[\d,]*(?:\.\d+)?\s?(?:%|per ?cent|pounds)|\b\d[\d,]*\s?(?:mph|mm)\b|\b(?:lesser of|up to the|minus (?:the|your) excess|market value|sum insured)\b/i,
  duration:
    /\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|twenty|thirty|sixty|ninety)\s+(?:working\s+|calendar\s+)?(?:days?|weeks?|months?|years?|hours?)\b|\bsame (?:working )?day\b|\bimmediately\b|\bstraight away\b|\bat once\b/i,
  // A count: a figure that is not money or a share ("3 or more", not "£10,000" or "20%").
  number:
    /(?<![£\d.,])(?<!£\s)\b\d(?![\d,.]*\s?(?:%|per ?cent))|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty)\b/i,
};
// A person's name: two capitalised words running ("Helen Marsh").
const NAME_WORDS = /\b([A-Z][a-z]+) ([A-Z][a-z'’]+)\b/g;

/**
 * The kind of value a question asks for: an amount (of money, or a share), a duration, a number,
 * a name, or anything (a yes/no, an explanation).
 * @example answerType("How much can a handler authorise?") // "amount"
 */
export function answerType(question: string): AnswerType {
  return answerTypes(question)[0] ?? "any";
}

/** Every kind of value a question asks for, in the order `answerType` prefers them ("who is ... and what's the sum insured?": amount, name). */
export function answerTypes(question: string): AnswerType[] {
  const kinds: [AnswerType, RegExp][] = [
    ["duration", DURATION],
    ["amount", AMOUNT],
    ["number", NUMBER],
    ["name", NAME],
  ];
  return kinds.filter(([, pattern]) => pattern.test(question)).map(([kind]) => kind);
}

/**
 * Whether a sentence holds the kind of value a question asks for. A name the question says itself
 * ("Who is the Head of Claims at Harbour Mutual?") is not the name it asks for: `asked` holds the
 * question's words, lowercased.
 */
export function holdsAnswer(sentence: string, type: AnswerType, asked: ReadonlySet<string> = new Set()): boolean {
  if (type === "any") return true;
  if (type === "name")
    return [...sentence.matchAll(NAME_WORDS)].some((m) => !asked.has(m[1]!.toLowerCase()) || !asked.has(m[2]!.toLowerCase()));
  return HOLDS[type].test(sentence);
}
