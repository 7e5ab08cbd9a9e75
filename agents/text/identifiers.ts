/** Record identifiers (CLM-1001, HOM-5003, PAY-000001): a back-end finds them; documents never hold them. */
export const RECORD_IDENTIFIER = /\b[A-Za-z]{2,5}-\d{3,}\b/g;

/**
 * The record identifiers a text names, in order, each once.
 * @example recordIdentifiers("Pay CLM-1001, not CLM-1002") // ["CLM-1001", "CLM-1002"]
 */
export function recordIdentifiers(text: string): string[] {
  return [...new Set(text.match(RECORD_IDENTIFIER) ?? [])];
}
