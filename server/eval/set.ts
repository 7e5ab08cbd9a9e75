import fs from "node:fs";
import { z } from "zod";
import { GuildError } from "../../agents/errors/index.ts";

/** What a question tests: one document, a paraphrase of one, several documents, the back-end, nothing (decline), or an action. */
export const EVAL_KINDS = ["single", "paraphrase", "multi", "backend", "unanswerable", "action"] as const;
export type EvalKind = (typeof EVAL_KINDS)[number];

/** One question of an eval set, as a line of the JSONL file. */
export const EvalItemSchema = z.strictObject({
  id: z.string().trim().min(1),
  question: z.string().trim().min(1).max(20_000),
  kind: z.enum(EVAL_KINDS),
  /** The knowledge documents (file names) that hold the answer; empty for back-end and unanswerable questions. */
  gold_docs: z.array(z.string().trim().min(1)).default([]),
  /** Short strings a right answer contains; `a|b` accepts either. Empty for unanswerable questions. */
  gold_facts: z.array(z.string().trim().min(1)).default([]),
});
export type EvalItem = z.infer<typeof EvalItemSchema>;

/**
 * Reads an eval set: one JSON object a line, blank lines and `#` comments skipped. A bad line
 * stops the eval with the file, the line and the field at fault.
 */
export function readEvalSet(file: string): EvalItem[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new GuildError("invalid_input", `cannot read the eval set ${file}: ${(error as Error).message}`, { details: { field: "set" } });
  }
  const items: EvalItem[] = [];
  const ids = new Set<string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    const where = `${file}:${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new GuildError("invalid_input", `${where}: not JSON (${(error as Error).message})`, { details: { field: "set", line: i + 1 } });
    }
    const parsed = EvalItemSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new GuildError("invalid_input", `${where}: ${issue.path.join(".") || "(line)"}: ${issue.message}`, {
        details: { field: "set", line: i + 1 },
      });
    }
    const item = parsed.data;
    if (ids.has(item.id))
      throw new GuildError("invalid_input", `${where}: id '${item.id}' is used twice`, { details: { field: "set", line: i + 1 } });
    if (item.kind !== "unanswerable" && item.gold_facts.length === 0) {
      throw new GuildError("invalid_input", `${where}: gold_facts: a ${item.kind} question needs at least one fact`, {
        details: { field: "set", line: i + 1 },
      });
    }
    ids.add(item.id);
    items.push(item);
  });
  if (items.length === 0) throw new GuildError("invalid_input", `${file} holds no questions`, { details: { field: "set" } });
  return items;
}
