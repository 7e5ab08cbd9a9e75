const STOP_WORDS = new Set(
  ("a an and are as at be by for from has have he her his i in is it its of on or our she so that the their them then " +
    "there these they this to was we were will with you your out up into about after before all any can do does " +
    "done if me my not no now only over please than too us what when which who why would should could also just it's")
    .split(" "),
);

/** Lowercased word stems, light enough to stay predictable: plural, -ing, -ed and -s endings. */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith("ed")) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.length > 3 && w.endsWith("es") && /(ss|sh|ch|x)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) w = w.slice(0, -1);
  return w;
}

/** The stems of the content words of a text, in order, stop words left out. */
export function contentStems(text: string): string[] {
  return (text.toLowerCase().match(/[a-z][a-z'-]*/g) ?? [])
    .filter((w) => !STOP_WORDS.has(w) && w.length > 1)
    .map(stem);
}

/** Splits a task into clauses: sentences, then parts joined by commas, "and" or "then". */
export function clauses(text: string): string[] {
  return text
    .split(/(?<=[.!?;])\s+|,\s*|\s+(?:and then|and|then)\s+/i)
    .map((c) => c.trim().replace(/[.!?;]+$/, ""))
    .filter((c) => c.length > 0);
}
