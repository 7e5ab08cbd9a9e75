import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import type { KnowledgeDocument } from "./documents.ts";
import { ALSO } from "./glossary.ts";
import { markdownSections, type Section } from "./sections.ts";

/** A searchable piece of one document, within one section. */
export interface Chunk {
  /** Stable across runs: `${document}#${n}`, n counting from 1 in document order. */
  id: string;
  document: string;
  title: string;
  /** Nearest heading as written, e.g. "4.2 Escape of water"; "" when there is none. */
  section: string;
  text: string;
  /**
   * A glossary entry's "Also: ..." line, kept apart from the text: it helps find the entry, but it
   * is a list of words, not evidence to quote.
   */
  aliases: string;
}

// About a long clause or a whole letter template: small enough to cite precisely, large enough
// that a template the offline model fills is one passage.
export const CHUNK_SIZE = 1600;
const CHUNK_OVERLAP = 160;
const splitter = new RecursiveCharacterTextSplitter({
  chunkSize: CHUNK_SIZE,
  chunkOverlap: CHUNK_OVERLAP,
});

/** Splits a document at its headings, then splits long sections into overlapping pieces. */
export async function splitDocument(doc: KnowledgeDocument): Promise<Chunk[]> {
  const sections: Section[] = doc.name.toLowerCase().endsWith(".md") ? markdownSections(doc.text) : [{ heading: "", body: doc.text }];
  const chunks: Chunk[] = [];
  for (const { heading, body } of sections) {
    const lines = body.split(/\r?\n/);
    const aliases = lines.flatMap((line) => ALSO.exec(line)?.[1] ?? []).join(", ");
    const text = (aliases ? lines.filter((line) => !ALSO.test(line)).join("\n") : body).trim();
    if (text === "" && aliases === "") continue;
    const pieces = text.length <= CHUNK_SIZE ? [text] : await splitter.splitText(text);
    for (const piece of pieces) {
      chunks.push({
        id: `${doc.name}#${chunks.length + 1}`,
        document: doc.name,
        title: doc.title,
        section: heading,
        text: piece,
        aliases,
      });
    }
  }
  return chunks;
}
