import {
  assessEvidence,
  focusOf,
  mergeKnowledgeBases,
  recordReferences,
  type Focus,
  type KnowledgeBase,
} from "../agents/knowledge/index.ts";
import type { PartEvidence, SpecialistEvidence } from "../agents/models/index.ts";
import type { Pack, Specialist } from "../agents/packs/index.ts";
import { requestParts, requestedEffects, toolFit } from "../agents/tools/index.ts";

/** How many passages a specialist's evidence for a part is measured on. */
const EVIDENCE_PASSAGES = 3;
/**
 * How much a part must say (the summed weight of its content words, about two telling words) for
 * its documents' evidence to count in full: "pay it" is covered by nearly any document, which
 * says nothing about who should do it.
 */
const FULL_INFORMATION = 6;
/**
 * What documents' evidence counts for in a part that names a record ("the policy behind
 * CLM-1020"): the record's values are the back-end's to give, so the tools that return them
 * weigh more than general sentences that share the part's words.
 */
const NAMED_RECORD_KNOWLEDGE = 0.5;

const packIndexes = new WeakMap<Pack, KnowledgeBase>();

/**
 * Every document of a pack in one index, built once per loaded pack from its specialists'
 * chunks: the index a specialist falls back to when its own evidence is weak, and the term
 * statistics that make specialists' evidence comparable.
 */
export function packKnowledge(pack: Pack): KnowledgeBase {
  let index = packIndexes.get(pack);
  if (!index) {
    const own = pack.specialists.map((s) => s.knowledge);
    // A pack of one specialist (or one whose first specialist holds everything) needs no second index.
    index =
      own.find((k) => k.documents.length === new Set(own.flatMap((o) => o.documents.map((d) => d.name))).size) ?? mergeKnowledgeBases(own);
    packIndexes.set(pack, index);
  }
  return index;
}

/** Whether a specialist's own documents are all of the pack's. */
export function holdsEveryDocument(pack: Pack, specialist: Specialist): boolean {
  return specialist.knowledge.documents.length >= packKnowledge(pack).documents.length;
}

/** What a text is about, weighted by the pack's documents. */
export function focusFor(pack: Pack, text: string): Focus {
  return focusOf(text, { stats: packKnowledge(pack).stats, glossary: pack.glossary });
}

/** What a part is about, read once for all the specialists weighed on it. */
interface PartFocus {
  text: string;
  focus: Focus;
  /** How much of its documents' evidence counts: less when the part says little or names a record. */
  weight: number;
}

async function specialistEvidence(
  specialist: Specialist,
  { text: part, focus, weight }: PartFocus,
  task: string,
): Promise<SpecialistEvidence> {
  const passages = await specialist.knowledge.search(part, { limit: EVIDENCE_PASSAGES });
  const requested = requestedEffects(part, specialist.tools);
  const tools = specialist.tools
    .map((tool) => ({
      name: tool.name,
      fit: tool.kind === "effect" ? Number(requested.has(tool.name)) : toolFit(tool, focus, [task], specialist.tools),
    }))
    .filter((t) => t.fit > 0);
  return {
    specialist: specialist.id,
    knowledge: assessEvidence(focus, passages).strength * weight,
    tools,
    sources: passages.slice(0, 2).map((p) => p.source),
  };
}

/**
 * The evidence a supervisor routes by: for each part (clause) of the task, how well each
 * specialist's own documents cover it and which of its tools fit it.
 */
export async function planEvidence(pack: Pack, task: string): Promise<PartEvidence[]> {
  const parts = requestParts(
    task,
    pack.specialists.flatMap((s) => s.tools),
  );
  return Promise.all(
    parts.map(async ({ text, head }) => {
      const focus = focusFor(pack, text);
      const information = Math.min(1, focus.terms.reduce((sum, t) => sum + t.weight, 0) / FULL_INFORMATION);
      const record = recordReferences(text, packKnowledge(pack).stats).length > 0 ? NAMED_RECORD_KNOWLEDGE : 1;
      const read: PartFocus = { text, focus, weight: information * record };
      return { part: text, head, specialists: await Promise.all(pack.specialists.map((s) => specialistEvidence(s, read, task))) };
    }),
  );
}
