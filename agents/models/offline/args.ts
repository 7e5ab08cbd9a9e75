import type { Passage } from "../../knowledge/index.ts";
import type { ArgSpec } from "../../packs/manifest.ts";
import type { ToolCard } from "../types.ts";
import { formatMoney } from "../../text/index.ts";
import { findByPattern } from "../../tools/index.ts";

/** Hints naming a part of a retrieved letter template (`template.subject`, `template.body`). */
export const TEMPLATE_HINT = "template.";
const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/gi;

function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

function coerce(value: unknown, spec: ArgSpec): unknown {
  if (value === null || value === undefined) return undefined;
  if (spec.type === "number" || spec.type === "integer") {
    const n = typeof value === "number" ? value : Number(String(value).replace(/[£,\s]/g, ""));
    return Number.isFinite(n) ? n : undefined;
  }
  if (spec.type === "boolean") return typeof value === "boolean" ? value : value === 1 || value === "true";
  return typeof value === "string" ? value : String(value);
}

/** Fills a template's `{{placeholders}}` from facts; reports those it could not fill. */
export function fillTemplate(
  template: string,
  facts: Readonly<Record<string, unknown>>,
): { text: string; unfilled: string[]; filled: number } {
  const unfilled: string[] = [];
  let filled = 0;
  const text = template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = facts[name.toLowerCase()];
    if (value === undefined || value === null || value === "") {
      unfilled.push(name);
      return whole;
    }
    filled += 1;
    // Templates print the currency sign themselves: "£{{amount}}".
    return /amount|total|payout/.test(name) ? formatMoney(value).replace(/^£/, "") : String(value);
  });
  return { text, unfilled, filled };
}

interface Letter {
  subject: string;
  body: string;
}

/** Picks the retrieved letter template the known facts fill best, and fills it; never one left with gaps. */
export function composeLetter(passages: readonly Passage[], facts: Readonly<Record<string, unknown>>): Letter | undefined {
  let best: { letter: Letter; score: number } | undefined;
  for (const passage of passages) {
    const match = passage.text.match(/^\s*\**Subject:?\**:?\s*(.+)$/im);
    if (!match?.[1] || match.index === undefined) continue;
    const subject = fillTemplate(match[1].trim(), facts);
    const rawBody = passage.text
      .slice(match.index + match[0].length)
      .replace(/^#+ .*$/gm, "")
      .trim();
    const body = fillTemplate(rawBody, facts);
    if (subject.unfilled.length + body.unfilled.length > 0) continue;
    const score = subject.filled + body.filled;
    if (!best || score > best.score) best = { letter: { subject: subject.text, body: body.text }, score };
  }
  return best?.letter;
}

export interface FilledArgs {
  args: Record<string, unknown>;
  missing: string[];
}

/** Fills a tool's arguments from facts, identifiers in the texts and retrieved templates. */
export function fillArgs(
  tool: ToolCard,
  facts: Readonly<Record<string, unknown>>,
  texts: readonly string[],
  passages: readonly Passage[],
): FilledArgs {
  const args: Record<string, unknown> = {};
  const missing: string[] = [];
  let letter: Letter | undefined | null = null;
  for (const [name, spec] of Object.entries(tool.args)) {
    let value: unknown;
    for (const key of [...spec.hints, name, snake(name)]) {
      if (key.startsWith(TEMPLATE_HINT)) {
        if (letter === null) letter = composeLetter(passages, facts);
        const part = key.slice(TEMPLATE_HINT.length);
        value = part === "subject" ? letter?.subject : part === "body" ? letter?.body : undefined;
      } else {
        value = coerce(facts[key], spec);
      }
      if (value !== undefined) break;
    }
    if (value === undefined && spec.type === "string" && spec.pattern) value = findByPattern(spec.pattern, texts);
    if (value === undefined) {
      if (!spec.optional) missing.push(name);
      continue;
    }
    args[name] = value;
  }
  return { args, missing };
}

/** The fact names that can fill an argument. */
export function factKeysFor(name: string, spec: ArgSpec): string[] {
  return [...spec.hints, name, snake(name)];
}
