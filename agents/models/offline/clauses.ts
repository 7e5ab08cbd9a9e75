/** Splits a task into clauses: sentences, then parts joined by commas, "and" or "then". */
export function clauses(text: string): string[] {
  return text
    .split(/(?<=[.!?;])\s+|,\s*|\s+(?:and then|and|then)\s+/i)
    .map((c) => c.trim().replace(/[.!?;]+$/, ""))
    .filter((c) => c.length > 0);
}
