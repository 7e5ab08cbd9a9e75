import type { ActRequest, StepReport, SynthesizeRequest, ToolExchange } from "../types.ts";
import { plainFocus, WEAK_EVIDENCE, type Focus, type Passage } from "../../knowledge/index.ts";
import { composeLetter } from "./args.ts";
import { bestQuotes, quotesByPart } from "./quotes.ts";
import { answersQuestion, describeRecord, describeValue } from "./records.ts";

const PAST = new Map([
  ["send", "sent"],
  ["issue", "made"],
  ["pay", "made"],
]);
/** The words of a decline; `guild eval` and readers recognise them. */
export const DECLINE = "The documents and back-end do not answer this";

/** Whether a call's arguments hold the letter this template passage makes. */
function usedTemplate(passage: Passage, args: Readonly<Record<string, unknown>>, facts: Readonly<Record<string, unknown>>): boolean {
  const letter = composeLetter([passage], facts);
  return letter !== undefined && Object.values(args).some((v) => v === letter.subject);
}

function describeArgs(args: Record<string, unknown>): string {
  return Object.entries(args)
    .filter(([, v]) => String(v).length <= 80)
    .map(([k, v]) => `${k} ${describeValue(k, v)}`)
    .join(", ");
}

/** How a call that did not happen is reported: e.g. "the payment was not made". */
export function notDoneSentence(exchange: ToolExchange): string {
  // An MCP tool is named `<server>/<tool>`: the words are the tool's own.
  const [verb = "", ...rest] = exchange.name.split("/").at(-1)!.split("_");
  const noun = rest.join(" ") || verb;
  const why = exchange.status === "rejected" ? "the reviewer rejected it" : `it failed: ${exchange.message ?? "unknown error"}`;
  const reviewer = exchange.status === "rejected" && exchange.message ? ` (reviewer: "${exchange.message}")` : "";
  return `The ${noun} was not ${PAST.get(verb) ?? "done"}: ${why}${reviewer}. Proposed ${exchange.name} with ${describeArgs(exchange.args)}.`;
}

/** What a step is about: the engine's weighted focus, else the instruction's content words, each weighing 1. */
function focusOf(request: ActRequest): Focus {
  return request.evidence?.focus ?? plainFocus(request.instruction);
}

/** Where a step searched: the documents the engine says, else those its passages came from. */
function searchedDocuments(request: ActRequest): string {
  const documents = request.evidence?.searched.length
    ? request.evidence.searched
    : [...new Set(request.passages.map((p) => p.source.split(" § ")[0]!))];
  return documents.length > 0 ? `searched ${documents.join(", ")}` : "searched no documents";
}

const quoted = (words: readonly string[]): string => (words.length ? ` for "${words.join('", "')}"` : "");

/** A decline that says what was searched and looked up, and which words found nothing. */
function declineSentence(request: ActRequest, lookups: readonly ToolExchange[]): string {
  const looked =
    lookups.length > 0
      ? `; looked up ${lookups.map((l) => `${l.name} (${describeArgs(l.args)}): ${describeRecord(l.result, plainFocus(""))}`).join("; ")}`
      : "";
  return `${DECLINE}: ${searchedDocuments(request)}${quoted(request.evidence?.missing ?? [])}${looked}.`;
}

/**
 * The offline specialist's report of its step: the records it looked up (the fields asked about,
 * with a settlement's arithmetic), what it did or could not do, and the passages that answer its
 * instruction best, each marked with its source. When neither the records nor the passages answer
 * it, it says so (a decline) instead of quoting something else.
 */
export function summarizeStep(request: ActRequest): { summary: string; citedPassageIds: string[] } {
  const focus = focusOf(request);
  const lines: string[] = [];
  const lookups = request.history.filter(
    (h) => h.status === "done" && request.specialist.tools.find((t) => t.name === h.name)?.kind !== "effect",
  );
  const acted = request.history.some((h) => !lookups.includes(h));
  for (const exchange of request.history) {
    if (exchange.status === "done")
      lines.push(`${exchange.name}: ${describeRecord(exchange.result, lookups.includes(exchange) ? focus : plainFocus(""))}.`);
    else if (exchange.status === "rejected" || exchange.status === "failed") lines.push(notDoneSentence(exchange));
  }
  const answered = lookups.some((l) =>
    answersQuestion(
      l.result,
      focus,
      request.specialist.tools.find((t) => t.name === l.name),
    ),
  );
  const nothingFound =
    lookups.length > 0 &&
    lookups.every((l) => l.result === null || l.result === undefined || (Array.isArray(l.result) && l.result.length === 0));
  const weak = request.evidence ? request.evidence.weak : false;
  // A value of a named record (its premium, the adjuster's name) is the back-end's to give: a
  // policy document's general sentence is no answer to it.
  const recordValue = (request.evidence?.references.length ?? 0) > 0 && focus.answer !== "any";
  if (!acted && !answered && (nothingFound || weak || recordValue))
    return { summary: declineSentence(request, lookups), citedPassageIds: [] };

  const used = request.passages.filter((p) => request.history.some((h) => h.status === "done" && usedTemplate(p, h.args, request.facts)));
  // A letter's template is cited when a letter was written from it; its sentences with placeholders
  // are never quoted as evidence (they cover nothing), what it says around them may be.
  // A step that acted reports what it did, with the one passage it acted by (the procedure), if one
  // covers its instruction well; records that give a named record's value need no quote beside
  // them; beside records that answer, a quote must answer well on its own to be worth reading.
  const quotes = acted
    ? bestQuotes(request.passages, focus)
        .filter((q) => q.share >= WEAK_EVIDENCE)
        .slice(0, 1)
    : answered && recordValue
      ? []
      : quotesByPart(request.passages, focus, request.instruction).filter((q) => !answered || q.share >= WEAK_EVIDENCE);
  for (const quote of quotes) lines.push(`"${quote.text}" [${quote.passage.source}]`);
  if (lines.length === 0) lines.push("Nothing relevant was found for this step.");
  const cited = [...used, ...quotes.map((q) => q.passage).filter((p, i, all) => all.indexOf(p) === i && !used.includes(p))];
  return { summary: lines.join("\n"), citedPassageIds: cited.map((p) => p.id) };
}

/** A step's lines, with each `[source]` marker numbered as the answer's sources are. */
function numbered(step: StepReport, cite: (source: string) => number): string[] {
  const lines = step.summary
    .split("\n")
    .map((line) =>
      line.replace(/ \[([^\]]+)\]$/, (whole, source: string) =>
        step.citations.some((c) => c.source === source) ? ` [${cite(source)}]` : whole,
      ),
    );
  // Citations a summary does not mark inline (a model's own words, a letter's template) are noted after its first line.
  const unmarked = step.citations
    .filter((c) => !step.summary.includes(`[${c.source}]`))
    .map((c) => `[${cite(c.source)}]`)
    .join("");
  if (unmarked) lines[0] = `${lines[0]} ${unmarked}`;
  return lines;
}

/** The offline final answer: each step's report in order, then what was not done, then each source once. */
export function synthesizeOffline(request: SynthesizeRequest): string {
  const sources: string[] = [];
  const cite = (source: string): number => {
    const at = sources.indexOf(source);
    if (at >= 0) return at + 1;
    sources.push(source);
    return sources.length;
  };
  const parts = request.steps.map((step: StepReport, i) => {
    const [first = "", ...rest] = numbered(step, cite);
    return [`${i + 1}. ${step.specialistName} (${step.instruction}): ${first}`, ...rest.map((l) => `   ${l}`)].join("\n").trimEnd();
  });
  const notDone = [
    ...(request.notDone ?? []),
    ...request.steps.flatMap((s) => s.actions.filter((a) => a.status === "rejected" || a.status === "failed").map(notDoneSentence)),
  ];
  const sections = [`Task: ${request.task}`, parts.join("\n")];
  if (notDone.length > 0) sections.push(`Not done:\n${notDone.map((n) => `- ${n}`).join("\n")}`);
  // Rules cannot rewrite prose for a reviewer's feedback; they show it with the answer instead.
  if (request.feedback?.length) sections.push(`Reviewer's notes:\n${request.feedback.map((f) => `- ${f}`).join("\n")}`);
  if (sources.length > 0) sections.push(`Sources:\n${sources.map((s, i) => `[${i + 1}] ${s}`).join("\n")}`);
  return sections.join("\n\n");
}
