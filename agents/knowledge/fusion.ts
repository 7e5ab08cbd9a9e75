import type { Passage } from "./retriever.ts";

/** The k of reciprocal rank fusion: large enough that a first place does not drown every other list. */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion: each list gives a passage weight / (k + its rank), and passages are
 * ranked by the sum. Scores from different searches are never compared, only ranks; a passage two
 * lists agree on rises, and each list's best passages stay near the top. A list's weight (1 by
 * default) says how much it is trusted: a weak search adds passages without pushing out a strong
 * one's best. Ties keep the earlier list's order, and a passage keeps the form its first list gave it.
 * @example fuseByRank([bm25Passages, vectorPassages], 4)
 */
export function fuseByRank(
  lists: readonly (readonly Passage[])[],
  limit: number,
  options: { k?: number; weights?: readonly number[] } = {},
): Passage[] {
  const k = options.k ?? RRF_K;
  const fused = new Map<string, { passage: Passage; score: number; order: number }>();
  let order = 0;
  for (const [i, list] of lists.entries()) {
    const weight = options.weights?.[i] ?? 1;
    list.forEach((passage, rank) => {
      const entry = fused.get(passage.id) ?? { passage, score: 0, order: order++ };
      entry.score += weight / (k + rank + 1);
      fused.set(passage.id, entry);
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, limit)
    .map(({ passage, score }) => ({ ...passage, score }));
}
