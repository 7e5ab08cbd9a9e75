/** A run of Markdown under one heading; heading is "" before the first one. */
export interface Section {
  heading: string;
  body: string;
}

const HEADING = /^(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const FENCE = /^\s*(```|~~~)/;

/**
 * Splits Markdown at "#", "##" and "###" headings, keeping the heading text as written
 * ("4.2 Escape of water"), so a passage can cite its clause. The first "# " heading is the
 * document's title, not a section. Deeper headings stay in the body as plain lines; headings
 * inside code fences are not headings.
 */
export function markdownSections(text: string): Section[] {
  const sections: Section[] = [];
  let heading = "";
  let lines: string[] = [];
  let fence: string | undefined;
  let titleSeen = false;

  for (const line of text.split(/\r?\n/)) {
    const fenceMark = FENCE.exec(line)?.[1];
    if (fenceMark) fence = fence === undefined ? fenceMark : fence === fenceMark ? undefined : fence;
    const match = fence === undefined && !fenceMark ? HEADING.exec(line) : null;
    const level = match?.[1]?.length ?? 0;
    const title = match?.[2] ?? "";

    if (level === 1 && !titleSeen) {
      titleSeen = true;
    } else if (level >= 1 && level <= 3) {
      sections.push({ heading, body: lines.join("\n") });
      heading = title;
      lines = [];
    } else {
      lines.push(level > 3 ? title : line);
    }
  }
  sections.push({ heading, body: lines.join("\n") });
  return sections.filter((s) => s.body.trim() !== "");
}
