import type { ActRequest, ActResult, ProposedCall, ToolCard, ToolExchange } from "../types.ts";
import { TEMPLATE_HINT, factKeysFor, fillArgs, findByPattern } from "./args.ts";
import { summarizeStep } from "./writer.ts";
import { queryTerms } from "../../knowledge/index.ts";

/**
 * The tools an instruction asks for. Effects are done only when asked: an effect is a target when
 * it shares a distinctive word with the instruction (one not shared by all the specialist's
 * effects). With no effect asked for, the specialist looks things up with its query tools.
 * Query tools an effect needs for its arguments are called on the way (see actOffline).
 */
export function targetTools(tools: readonly ToolCard[], instruction: string): ToolCard[] {
  const wanted = new Set(queryTerms(instruction));
  const effects = tools.filter((t) => t.kind === "effect");
  const vocab = effects.map((t) => new Set(queryTerms(`${t.name.replace(/_/g, " ")} ${t.description.split(/[.:]/)[0] ?? ""}`)));
  const shared = new Set([...(vocab[0] ?? [])].filter((w) => vocab.length > 1 && vocab.every((v) => v.has(w))));
  const targets = effects.filter((_, i) => [...vocab[i]!].some((w) => wanted.has(w) && !shared.has(w)));
  return targets.length > 0 ? targets : tools.filter((t) => t.kind === "query");
}

/** Applies a reviewer's feedback to the arguments of a call: numbers, e-mail addresses, identifiers. */
function revise(call: ToolExchange, tool: ToolCard): Record<string, unknown> {
  const message = call.message ?? "";
  const args = { ...call.args };
  const numeric = Object.entries(tool.args).filter(([, s]) => s.type === "number" || s.type === "integer");
  const numbers = message.replace(/(\d),(\d{3})/g, "$1$2").match(/\d+(?:\.\d+)?/g) ?? [];
  if (numeric.length === 1 && numbers.length > 0) args[numeric[0]![0]] = Number(numbers[0]);
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
  const last = new Map<string, ToolExchange>();
  for (const exchange of history) last.set(exchange.name, exchange);
  const propose = (name: string, args: Record<string, unknown>): ActResult => ({
    kind: "tool_calls",
    calls: [{ id: `${request.callIdPrefix}${name}`, name, args } satisfies ProposedCall],
  });

  for (const tool of targetTools(specialist.tools, request.instruction)) {
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
