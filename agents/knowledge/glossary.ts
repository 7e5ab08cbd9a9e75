/** A pack-wide term, the other words people use for it, and what it means. */
export interface GlossaryEntry {
  term: string;
  aliases: string[];
  definition: string;
}

const ENTRY = /^##(?!#)(.*)$/;
// Tolerates Markdown emphasis around the label: "Also:", "**Also:**", "_Also_:".
export const ALSO = /^\s*[*_]*also[*_]*\s*:[*_]*\s*(.*)$/i;

/**
 * Reads a glossary written as one "## Term" per entry, an "Also: a, b, c" line and a
 * definition. An entry without an "Also:" line keeps its definition and has no aliases.
 */
export function parseGlossary(text: string): GlossaryEntry[] {
  const entries: GlossaryEntry[] = [];
  let current: { term: string; aliases: string[]; lines: string[] } | undefined;
  const finish = (): void => {
    if (!current) return;
    const definition = current.lines.join(" ").replace(/\s+/g, " ").trim();
    entries.push({ term: current.term, aliases: current.aliases, definition });
  };

  for (const line of text.split(/\r?\n/)) {
    const heading = ENTRY.exec(line)?.[1];
    if (heading !== undefined) {
      finish();
      // An empty "##" ends the previous entry without starting one.
      const term = heading.replace(/[ \t#]+$/, "").trim();
      current = term ? { term, aliases: [], lines: [] } : undefined;
      continue;
    }
    if (!current) continue;
    const also = ALSO.exec(line)?.[1];
    if (also !== undefined) current.aliases.push(...splitAliases(also, current));
    else current.lines.push(line);
  }
  finish();
  return entries;
}

function splitAliases(list: string, entry: { term: string; aliases: string[] }): string[] {
  const seen = new Set([entry.term, ...entry.aliases].map((a) => a.toLowerCase()));
  const aliases: string[] = [];
  for (const raw of list.split(/[,;]/)) {
    const alias = raw.replace(/[*_.]+$/, "").trim();
    if (alias === "" || seen.has(alias.toLowerCase())) continue;
    seen.add(alias.toLowerCase());
    aliases.push(alias);
  }
  return aliases;
}
