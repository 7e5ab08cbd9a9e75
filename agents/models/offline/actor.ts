import type { ActRequest, ActResult, ProposedCall, ToolCard, ToolExchange } from "../types.ts";
import { TEMPLATE_HINT, factKeysFor, fillArgs } from "./args.ts";
import { summarizeStep } from "./writer.ts";
import { coverage, plainFocus, queryTerms, type Focus } from "../../knowledge/index.ts";
import { callable, checksKind, findByPattern, isQuestion, returnsKind, toolTerms } from "../../tools/index.ts";
import { amountFromFeedback } from "./feedback.ts";

/** Query tools that fit nearly as well as the best one are called too. */
const NEAR_BEST_FIT = 0.75;

/**
 * The tools an instruction asks for. Effects are done only when asked: an effect is a target when
 * it shares a distinctive word with the instruction (one not shared by all the specialist's
 * effects). With no effect asked for, a question is answered from what fits it: the callable
 * query tools whose names, fields and descriptions cover it best, or all of them when none does,
 * and the best one that returns a kind of value it asks for (a name for "who") when those do not;
 * an order to look into something ("find the cause", "check the process capability") gets every
 * callable look-up, as a specialist checking a lot reads all it has on it. Query tools a target
 * needs for its arguments are called on the way (see actOffline).
 */
export function targetTools(tools: readonly ToolCard[], instruction: string, focus: Focus, texts: readonly string[]): ToolCard[] {
  const wanted = new Set(queryTerms(instruction));
  const effects = tools.filter((t) => t.kind === "effect");
  const vocab = effects.map((t) => new Set(queryTerms(`${t.name.replace(/_/g, " ")} ${t.description.split(/[.:]/)[0] ?? ""}`)));
  const shared = new Set([...(vocab[0] ?? [])].filter((w) => vocab.length > 1 && vocab.every((v) => v.has(w))));
  const targets = effects.filter((_, i) => [...vocab[i]!].some((w) => wanted.has(w) && !shared.has(w)));
  if (targets.length > 0) return targets;
  const queries = tools.filter((t) => t.kind === "query" && callable(t, texts, tools));
  if (!isQuestion(instruction)) return queries;
  const fits = queries.map((tool) => ({ tool, fit: coverage(focus.terms, toolTerms(tool)).share }));
  const best = Math.max(0, ...fits.map((f) => f.fit));
  if (best === 0) return queries;
  const chosen = fits.filter((f) => f.fit >= best * NEAR_BEST_FIT).map((f) => f.tool);
  // A kind of value asked for ("who ...?") that none of them returns is looked up with the best tool that does.
  const extra = focus.wants
    .filter((kind) => checksKind(kind) && !chosen.some((tool) => returnsKind(tool, kind)))
    .flatMap((kind) => fits.filter((f) => f.fit > 0 && returnsKind(f.tool, kind)).sort((a, b) => b.fit - a.fit)[0]?.tool ?? []);
  return [...new Set([...chosen, ...extra])];
}

/** Applies a reviewer's feedback to the arguments of a call: the amount meant, e-mail addresses, identifiers. */
function revise(call: ToolExchange, tool: ToolCard): Record<string, unknown> {
  const message = call.message ?? "";
  const args = { ...call.args };
  const numeric = Object.entries(tool.args).filter(([, s]) => s.type === "number" || s.type === "integer");
  if (numeric.length === 1) {
    const [name] = numeric[0]!;
    const amount = amountFromFeedback(message, typeof args[name] === "number" ? (args[name] as number) : undefined);
    if (amount !== undefined) args[name] = amount;
  }
  for (const [name, spec] of Object.entries(tool.args)) {
    if (spec.type !== "string" || !spec.pattern) continue;
    const found = findByPattern(spec.pattern, [message]);
    if (found) args[name] = found;
  }
  return args;
}

/** The offline specialist: one deterministic tool call per turn, then a summary of what it did. */
export function actOffline(request: ActRequest): ActResult {
  const { specialist, history, facts, passages } = request;
  const texts = [request.instruction, request.task];
  const focus = request.evidence?.focus ?? plainFocus(request.instruction);
  const last = new Map<string, ToolExchange>();
  for (const exchange of history) last.set(exchange.name, exchange);
  const propose = (name: string, args: Record<string, unknown>): ActResult => ({
    kind: "tool_calls",
    calls: [{ id: `${request.callIdPrefix}${name}`, name, args } satisfies ProposedCall],
  });

  for (const tool of targetTools(specialist.tools, request.instruction, focus, texts)) {
    const previous = last.get(tool.name);
    if (previous && previous.status !== "responded") continue;
    if (previous) return propose(tool.name, revise(previous, tool));

    // A letter is written from the approved templates, so look them up before choosing one.
    const usesTemplate = Object.values(tool.args).some((a) => a.hints.some((h) => h.startsWith(TEMPLATE_HINT)));
    if (usesTemplate && request.searches.length === 0) return { kind: "search", query: `${request.instruction} template subject` };
    const { args, missing } = fillArgs(tool, facts, texts, passages);
    if (missing.length === 0) return propose(tool.name, args);

    const provider = specialist.tools.find(
      (t) =>
        t.kind === "query" &&
        !last.has(t.name) &&
        missing.some((m) => factKeysFor(m, tool.args[m]!).some((key) => t.returns.includes(key))),
    );
    if (provider) {
      const filled = fillArgs(provider, facts, texts, passages);
      if (filled.missing.length === 0) return propose(provider.name, filled.args);
    }
  }
  return { kind: "done", ...summarizeStep(request) };
}
