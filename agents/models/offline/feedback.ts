// A number as a reviewer writes it: 3000, 3,000, £3,000.50.
const NUMBER = /£?\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?/g;
// Words before a number that make it the amount to go ahead with: "pay 3000", "amount to £3,000", "make it 3000".
const ABSOLUTE = /\b(?:pay|paid|settle|issue|amount|make it|to|of|at|instead|total)\b[^.;:\d]*$/i;
// Words before a number that take it off the amount proposed: "deduct a further 600", "less 600".
const RELATIVE = /\b(?:deduct|minus|less|take off|knock off|reduce(?:d)? (?:it )?by|lower(?:ed)? by)\b[^.;:\d]*$/i;

/**
 * The amount a reviewer's feedback asks for: the number an instruction to pay names ("deduct a
 * further 600 for the pipe; pay 3000" means 3000), else the proposed amount less a deduction it
 * names ("deduct 600"), else its only number. Undefined when it names no amount.
 * @example amountFromFeedback("Please deduct a further 600 for the already repaired pipe; pay 3000", 3600) // 3000
 */
export function amountFromFeedback(message: string, proposed: number | undefined): number | undefined {
  const numbers = [...message.matchAll(NUMBER)].map((m) => ({
    value: Number(`${m[1]!.replace(/,/g, "")}${m[2] ? `.${m[2]}` : ""}`),
    before: message.slice(0, m.index),
  }));
  if (numbers.length === 0) return undefined;
  const absolute = numbers.filter((n) => ABSOLUTE.test(n.before) && !RELATIVE.test(n.before)).at(-1);
  if (absolute) return absolute.value;
  const deduction = numbers.find((n) => RELATIVE.test(n.before));
  if (deduction && proposed !== undefined) return Math.round((proposed - deduction.value) * 100) / 100;
  return numbers.length === 1 ? numbers[0]!.value : numbers.at(-1)!.value;
}
