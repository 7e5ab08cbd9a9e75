import type { ActRequest, StepReport, SynthesizeRequest, ToolExchange } from "../types.ts";
import type { Passage } from "../../knowledge/index.ts";
import { formatMoney } from "../../text/index.ts";
import { composeLetter } from "./args.ts";

/** Whether a call's arguments hold the letter this template passage makes. */
function usedTemplate(passage: Passage, args: Readonly<Record<string, unknown>>, facts: Readonly<Record<string, unknown>>): boolean {
  const letter = composeLetter([passage], facts);
  return letter !== undefined && Object.values(args).some((v) => v === letter.subject);
}

const MONEY = /amount|excess|sum_insured|payout|total/;
const PAST = new Map([["send", "sent"], ["issue", "made"], ["pay", "made"]]);

function describeValue(key: string, value: unknown): string {
  return MONEY.test(key) && typeof value === "number" ? formatMoney(value) : String(value);
}

/** A short, readable account of a record: its first fields as `key value` pairs. */
export function describeRecord(record: unknown, limit = 8): string {
  if (record === null || record === undefined) return "nothing found";
  if (Array.isArray(record)) return `${record.length} record${record.length === 1 ? "" : "s"}`;
  if (typeof record !== "object") return String(record);
  return Object.entries(record as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && String(v).length <= 120)
    .slice(0, limit)
    .map(([k, v]) => `${k.replace(/_/g, " ")} ${describeValue(k, v)}`)
    .join(", ");
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

/** The offline specialist's report of its step: what it looked up, did, could not do, and read. */
export function summarizeStep(request: ActRequest): { summary: string; citedPassageIds: string[] } {
  const lines: string[] = [];
  for (const exchange of request.history) {
    if (exchange.status === "done") lines.push(`${exchange.name}: ${describeRecord(exchange.result)}.`);
    else if (exchange.status === "rejected" || exchange.status === "failed") lines.push(notDoneSentence(exchange));
  }
  const used = request.passages.filter((p) => request.history.some((h) => h.status === "done" && usedTemplate(p, h.args, request.facts)));
  // Cite the template a letter was written from, not the templates it was chosen over.
  const read = request.passages.filter((p) => p.matchedTerms.length > 0 && !used.includes(p) && !(used.length > 0 && p.text.includes("{{")));
  const cited = [...used, ...read].slice(0, Math.max(2, used.length));
  for (const passage of cited) lines.push(`${passage.source}: "${passage.excerpt}"`);
  if (lines.length === 0) lines.push("Nothing relevant was found for this step.");
  return { summary: lines.join("\n"), citedPassageIds: cited.map((p) => p.id) };
}

/** The offline final answer: each step's report in order, then what was not done, then sources. */
export function synthesizeOffline(request: SynthesizeRequest): string {
  const sources: string[] = [];
  const cite = (source: string): number => {
    const at = sources.indexOf(source);
    if (at >= 0) return at + 1;
    sources.push(source);
    return sources.length;
  };
  const parts = request.steps.map((step: StepReport, i) => {
    const refs = step.citations.map((c) => `[${cite(c.source)}]`).join("");
    return `${i + 1}. ${step.specialistName} (${step.instruction}): ${step.summary.split("\n")[0]}${refs ? ` ${refs}` : ""}\n${step.summary
      .split("\n")
      .slice(1)
      .map((l) => `   ${l}`)
      .join("\n")}`.trimEnd();
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
