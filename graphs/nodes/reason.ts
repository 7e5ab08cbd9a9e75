import { Send, type LangGraphRunnableConfig } from "@langchain/langgraph";
import {
  specialistCard,
  sumUsage,
  toolCard,
  type ProposedCall,
  type SpecialistCard,
  type ToolExchange,
  type Usage,
} from "../../agents/models/index.ts";
import type { ToolDefinition } from "../../agents/packs/index.ts";
import { requestedEffects } from "../../agents/tools/index.ts";
import { emit, emitToken } from "../events.ts";
import { specialistOf, type GraphDeps } from "../deps.ts";
import { gateFor, gateOfPending, type Gate } from "../policy.ts";
import type { GuildStateType, GuildUpdate } from "../state.ts";
import { usageUpdate } from "../usage.ts";

/** How many model turns one step may take before it is stopped. */
export const MAX_TURNS_PER_STEP = 8;
/** How many further searches one step may ask for. */
export const MAX_SEARCHES_PER_STEP = 2;

/**
 * Call ids key approvals and idempotent effects, so they must be unique in the run; some servers
 * send empty or repeated ids. A missing or repeated id is replaced by one made from the turn.
 */
function uniqueIds(calls: readonly ProposedCall[], history: readonly ToolExchange[], prefix: string): ProposedCall[] {
  const seen = new Set(history.map((h) => h.id));
  return calls.map((call, i) => {
    const id = call.id && call.id !== prefix && !seen.has(call.id) ? call.id : `${prefix}${i}.${call.name}`;
    seen.add(id);
    return { ...call, id };
  });
}

/**
 * What the specialist is told of itself: its query tools, and only the effect tools the task asks
 * for, so that a question never leads to an effect ("What would we pay on CLM-1043?" is answered
 * with the payout, not a payment).
 */
function cardFor(specialist: Parameters<typeof specialistCard>[0], tools: readonly ToolDefinition[], task: string): SpecialistCard {
  const card = { ...specialistCard(specialist), tools: tools.map(toolCard) };
  const requested = requestedEffects(task, card.tools);
  return { ...card, tools: card.tools.filter((t) => t.kind === "query" || requested.has(t.name)) };
}

/** specialist.reason: the specialist's model proposes tool calls, or reports that the step is done. */
export function reasonNode(deps: GraphDeps) {
  return async (state: GuildStateType, config: LangGraphRunnableConfig): Promise<GuildUpdate> => {
    let work = state.step!;
    const specialist = specialistOf(deps, work.specialist);
    const model = deps.modelFor(specialist.id);
    // MCP tools come from their servers, started when first needed; one that cannot be reached is
    // reported once in the step (as a failed call), never a failed run.
    const { tools, unavailable } = await deps.tools.forSpecialist(specialist, {
      images: model.acceptsImages === true,
      signal: config.signal,
    });
    if (work.turn === 0 && unavailable.length > 0) {
      const missing: ToolExchange[] = unavailable.map((u) => ({
        id: `${work.stepId}.unavailable.${u.tool}`,
        name: u.tool,
        args: {},
        status: "failed",
        message: u.reason,
      }));
      for (const m of missing) emit(config, "tool.result", { specialist: specialist.id, callId: m.id, tool: m.name, error: m.message });
      const known = new Set(work.history.map((h) => h.id));
      work = { ...work, history: [...work.history, ...missing.filter((m) => !known.has(m.id))] };
    }
    const turn = work.turn + 1;
    // The step's message reports what the whole step used: every turn and reformulation.
    const finish = (summary: string, citedIds: readonly string[], usage: Usage | undefined = work.usage): GuildUpdate => {
      const citations = work.passages.filter((p) => citedIds.includes(p.id)).map((p) => ({ source: p.source, excerpt: p.excerpt }));
      emit(config, "message", {
        node: "specialist",
        specialist: specialist.id,
        stepId: work.stepId,
        text: summary,
        citations,
        ...(usage ? { usage } : {}),
      });
      emit(config, "node.completed", { node: "specialist", specialist: specialist.id, stepId: work.stepId });
      return {
        step: { ...work, turn, pending: [], ...(usage ? { usage } : {}) },
        plan: state.plan.map((s) => (s.id === work.stepId && s.status === "active" ? { ...s, status: "done" } : s)),
        reports: [
          {
            specialist: specialist.id,
            specialistName: specialist.name,
            instruction: work.instruction,
            summary,
            actions: work.history,
            citations,
          },
        ],
      };
    };
    if (turn > MAX_TURNS_PER_STEP) return finish(`Stopped after ${MAX_TURNS_PER_STEP} turns without finishing the step.`, []);

    const card = cardFor(specialist, tools, state.task);
    const result = await model.act(
      {
        task: state.task,
        specialist: card,
        instruction: work.instruction,
        passages: work.passages,
        ...(work.evidence ? { evidence: work.evidence } : {}),
        facts: state.facts,
        history: work.history,
        lessons: state.specialistLessons ? (state.specialistLessons[specialist.id] ?? []) : state.lessons,
        searches: work.searches,
        callIdPrefix: `${work.stepId}.t${turn}.`,
      },
      { signal: config.signal, onToken: (delta) => emitToken(config, "specialist.reason", delta, specialist.id) },
    );
    const spent = usageUpdate({ role: "specialist", id: specialist.id }, result.usage);
    const stepUsage = sumUsage(work.usage, result.usage);
    const step = { ...work, turn, ...(stepUsage ? { usage: stepUsage } : {}) };
    if (result.kind === "done") return { ...finish(result.summary, result.citedPassageIds, stepUsage), ...spent };
    if (result.kind === "search") {
      if (work.searches.length >= MAX_SEARCHES_PER_STEP)
        return { ...finish(`Stopped: asked to search more than ${MAX_SEARCHES_PER_STEP} times.`, [], stepUsage), ...spent };
      return { step: { ...step, search: result.query }, ...spent };
    }
    // A model that proposes an effect the task did not ask for (a scripted or disobedient one) gets it refused, unasked.
    const offered = new Set(card.tools.map((t) => t.name));
    const proposed = uniqueIds(result.calls, work.history, `${work.stepId}.t${turn}.`);
    const refused: ToolExchange[] = proposed
      .filter((call) => !offered.has(call.name) && tools.some((t) => t.name === call.name && t.kind === "effect"))
      .map((call) => ({ ...call, status: "failed", message: `not proposed: the task does not ask for ${call.name}` }));
    const pending = proposed.filter((call) => !refused.some((r) => r.id === call.id));
    if (pending.length === 0)
      return { ...finish(refused.map((r) => `The ${r.name} call was refused: ${r.message}.`).join("\n"), [], stepUsage), ...spent };
    const gates: Record<string, Gate> = {};
    for (const call of pending) {
      const tool = tools.find((t) => t.name === call.name);
      if (tool) gates[call.id] = await gateFor(deps, specialist.id, tool, call.args);
    }
    return { step: { ...step, pending, gates, history: [...work.history, ...refused] }, ...spent };
  };
}

/** The tool of that name if the specialist owns it and it is known (an MCP tool once listed). */
export function ownTool(deps: GraphDeps, specialistId: string, name: string) {
  const specialist = specialistOf(deps, specialistId);
  const owns = specialist.tools.some((t) => t.name === name) || specialist.mcpTools.includes(name);
  return owns ? deps.tools.known(name) : undefined;
}

/**
 * After reasoning: a finished step goes back to the supervisor; proposed calls that the policy
 * gates each get their own approval task (in parallel, answered in any order); the rest run.
 */
export function routeAfterReason(deps: GraphDeps) {
  return async (state: GuildStateType): Promise<string | Send[]> => {
    const work = state.step!;
    if (work.search !== undefined) return "specialist.retrieve";
    if (work.pending.length === 0) return "supervisor.next";
    const gated: { call: ProposedCall; gate: Gate }[] = [];
    for (const call of work.pending) {
      // A tool the specialist does not own is refused by the tool node; no reviewer is asked about it.
      const tool = ownTool(deps, work.specialist, call.name);
      const gate = tool ? await gateOfPending(deps, work, call, tool) : undefined;
      if (gate?.requiresApproval) gated.push({ call, gate });
    }
    if (gated.length === 0) return "tools";
    return gated.map(
      ({ call, gate }) => new Send("approval.tool_call", { call, gate, specialist: work.specialist, responses: work.responses }),
    );
  };
}
