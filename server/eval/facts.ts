// A number as people write it: 3600, 3,600, £3,600.00, 1025.5. Clause numbers (4.2.4) are not numbers.
const NUMBER = /(?<![\w.])£?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w]|\.\d)/g;

/**
 * Text reduced to what a fact is matched on: lowercase words, numbers in one form (3,600 and
 * £3,600.00 both become 3600), and no punctuation but the dots of clause numbers and `%`, `@`.
 */
export function normalizeForFacts(text: string): string {
  const numbers = text.toLowerCase().replace(NUMBER, (_, whole: string, fraction: string | undefined) => {
    const value = Number(`${whole.replace(/,/g, "")}${fraction ?? ""}`);
    return Number.isFinite(value) ? ` ${String(value)} ` : _;
  });
  return ` ${numbers
    .replace(/[’']/g, " ")
    .replace(/[^\p{L}\p{N}.%@]+/gu, " ")
    // A dot that does not join two digits (or an e-mail's parts) is punctuation.
    .replace(/\.(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])\./gu, " ")
    .replace(/\s+/g, " ")
    .trim()} `;
}

/**
 * Whether an answer states a fact: case-insensitively, on word boundaries, numbers as numbers;
 * `a|b` accepts either form.
 * @example factFound("We pay £3,600.00 to the payee.", "3600") // true
 */
export function factFound(answer: string, fact: string): boolean {
  const text = normalizeForFacts(answer);
  return fact.split("|").some((form) => {
    const wanted = normalizeForFacts(form);
    return wanted.trim() !== "" && text.includes(wanted);
  });
}
