import { Send, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { isMcpTool } from "../../agents/mcp/index.ts";
import type { ProposedCall, ToolExchange } from "../../agents/models/index.ts";
import { emit, runIdOf } from "../events.ts";
import { specialistOf, type GraphDeps } from "../deps.ts";
import { approvalTitle, editedCase, editLesson } from "../approval-text.ts";
import { changedSensitiveArgs, checksFor, gateFor, gateOfEdit, gateOfPending, gateOfRetry, type Gate } from "../policy.ts";
import type { GuildStateType, GuildUpdate, TaughtLesson, PlanStep } from "../state.ts";

/** The back-end stayed out of reach through its own retries (a `tool_error` marked transient). */
const unavailable = (error: unknown): boolean => ((error as { details?: { transient?: unknown } }).details?.transient ?? false) === true;

/** `x.retry`, then `x.retry2`, `x.retry3`...: each attempt asked about has an approval of its own. */
const retryId = (id: string): string => {
  const match = /^(.*)\.retry(\d*)$/.exec(id);
  return match ? `${match[1]}.retry${Number(match[2] || 1) + 1}` : `${id}.retry`;
};

function factsFrom(call: ProposedCall, result: unknown): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(call.args)) facts[k.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()] = v;
  if (result && typeof result === "object" && !Array.isArray(result)) Object.assign(facts, result);
  return facts;
}

/**
 * tools: the only node with side effects. Runs query calls, and gated calls only with an approve
 * or edit decision; effects run once per idempotency key (run id + call id), stored with the effect
 * (an MCP server gets the key in `_meta`). Where a call goes, SQL or MCP, is the toolbox's to say.
 */
export function toolsNode(deps: GraphDeps) {
  return async (state: GuildStateType, config: LangGraphRunnableConfig): Promise<GuildUpdate> => {
    const work = state.step!;
    const runId = runIdOf(config);
    const history: ToolExchange[] = [...work.history];
    const learned: TaughtLesson[] = [];
    let facts: Record<string, unknown> = {};
    let responses = work.responses;
    let redirect: { specialist: string; instruction: string } | undefined;
    // Calls asked again before anything runs them: edits that raised the risk (as edited), and
    // effects whose back-end was unavailable (try again or skip).
    const askAgain: ProposedCall[] = [];
    const gates: Record<string, Gate> = {};
    /** Where in `history` the calls asked again stand, and what a redirect makes of each. */
    const reasked: { index: number; ifRedirected: string }[] = [];

    const specialist = specialistOf(deps, work.specialist);
    const keepImages = deps.modelFor(work.specialist).acceptsImages === true;
    for (const proposed of work.pending) {
      const owns = specialist.tools.some((t) => t.name === proposed.name) || specialist.mcpTools.includes(proposed.name);
      const tool = owns ? await deps.tools.find(proposed.name, config.signal) : undefined;
      if (!tool) {
        history.push({
          ...proposed,
          status: "failed",
          message: owns
            ? `${proposed.name} is not available: its MCP server cannot be reached`
            : `${work.specialist} has no tool '${proposed.name}'`,
        });
        continue;
      }
      let call = proposed;
      const gate = await gateOfPending(deps, work, proposed, tool);
      if (gate.refused) {
        // The call breaks a rule of the pack: not made, not asked, and the run says why.
        const message = `not done: ${gate.refused.join("; ")}`;
        emit(config, "tool.result", { specialist: work.specialist, callId: proposed.id, tool: tool.name, error: message, refused: true });
        history.push({ ...proposed, status: "failed", message });
        continue;
      }
      if (gate.requiresApproval) {
        const decision = state.decisions[proposed.id];
        if (!decision || decision.type === "reject") {
          const message = decision?.type === "reject" ? decision.message : "no approval was given";
          history.push({ ...proposed, status: "rejected", ...(message ? { message } : {}) });
          continue;
        }
        if (decision.type === "respond") {
          responses += 1;
          history.push({ ...proposed, status: "responded", message: decision.message });
          learned.push({ specialist: work.specialist, tool: tool.name, text: `Reviewer feedback on ${tool.name}: ${decision.message}` });
          continue;
        }
        if (decision.type === "redirect") {
          // The first redirect of a batch hands the step over; approved siblings still run.
          history.push({
            ...proposed,
            status: "rejected",
            message: `redirected to ${decision.specialist}${decision.message ? `: ${decision.message}` : ""}`,
          });
          redirect ??= { specialist: decision.specialist, instruction: decision.message?.trim() || work.instruction };
          continue;
        }
        if (decision.type === "edit") {
          call = { ...proposed, args: decision.args };
          const about = editedCase(tool, proposed.args, decision.args);
          learned.push({
            specialist: work.specialist,
            tool: tool.name,
            text: editLesson(tool, proposed.args, decision.args),
            ...(about === undefined ? {} : { case: about }),
          });
          // The edited call's business rules are checked inside its transaction, after its key: a
          // replay after a crash finds its receipt rather than the rules its own effect now breaks.
          const { refused: _checkedInTransaction, ...editedGate } = await gateFor(deps, work.specialist, tool, decision.args);
          const again = gateOfEdit(gate, editedGate, changedSensitiveArgs(tool, proposed.args, decision.args));
          if (again) {
            const edited = { ...call, id: `${proposed.id}.edited` };
            askAgain.push(edited);
            gates[edited.id] = again;
            reasked.push({
              index: history.length,
              ifRedirected: "edited by a reviewer past what the first approval covered, but not asked again: the step was redirected",
            });
            history.push({
              ...proposed,
              status: "responded",
              message: "edited by a reviewer; the edit raised the risk or changed a sensitive argument, so it is asked again as edited",
            });
            continue;
          }
        } else {
          // What is left goes ahead as proposed; a new decision type must say here what it does.
          const approved: "approve" = decision.type;
          void approved;
        }
      }
      const parsed = tool.schema.safeParse(call.args);
      if (!parsed.success) {
        const message = parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`).join("; ");
        history.push({ ...call, status: "failed", message: `invalid arguments: ${message}` });
        continue;
      }
      const server = isMcpTool(tool) ? { server: tool.server } : {};
      const title = approvalTitle(tool, parsed.data);
      emit(config, "tool.called", {
        specialist: work.specialist,
        callId: call.id,
        tool: tool.name,
        args: parsed.data,
        kind: tool.kind,
        ...server,
        ...(title ? { title } : {}),
      });
      try {
        const outcome = await deps.tools.run(tool, parsed.data, {
          idempotencyKey: `${runId}:${call.key ?? call.id}`,
          runId,
          callId: call.id,
          signal: config.signal,
          checks: checksFor(tool, gate),
        });
        // Images are told by their size only: the event log is no place for them.
        const images =
          outcome.images.length > 0
            ? { images: outcome.images.map((i) => ({ mimeType: i.mimeType, bytes: Buffer.byteLength(i.data, "base64") })) }
            : {};
        emit(config, "tool.result", {
          specialist: work.specialist,
          callId: call.id,
          tool: tool.name,
          result: outcome.result,
          replayed: outcome.replayed,
          ...server,
          ...images,
        });
        history.push({
          ...call,
          args: parsed.data,
          status: "done",
          result: outcome.result,
          ...(keepImages && outcome.images.length > 0 ? { images: outcome.images } : {}),
        });
        facts = { ...facts, ...factsFrom({ ...call, args: parsed.data }, outcome.result) };
      } catch (error) {
        const message = (error as Error).message;
        emit(config, "tool.result", {
          specialist: work.specialist,
          callId: call.id,
          tool: tool.name,
          error: message,
          ...(unavailable(error) ? { unavailable: true } : {}),
          ...server,
        });
        if (tool.kind === "effect" && unavailable(error)) {
          // Not known to be done, and never reported as done: a reviewer decides whether to try again.
          const retry = { ...call, args: parsed.data, id: retryId(call.id), key: call.key ?? call.id };
          askAgain.push(retry);
          gates[retry.id] = gateOfRetry(message, gate);
          reasked.push({ index: history.length, ifRedirected: `not done: ${message}; not tried again, the step was redirected` });
          history.push({ ...call, status: "failed", message: `${message}; a reviewer is asked whether to try again` });
        } else history.push({ ...call, status: "failed", message });
      }
    }

    if (redirect) {
      // The step is handed over, so nobody would be asked about these edited calls: they are not
      // done, and the step's report (and so the answer) says so, rather than losing them silently.
      for (const { index, ifRedirected } of reasked) history[index] = { ...history[index]!, status: "rejected", message: ifRedirected };
      askAgain.length = 0;
    }
    const update: GuildUpdate = { step: { ...work, history, pending: askAgain, gates: redirect ? {} : gates, responses }, facts, learned };
    if (!redirect) return update;
    const target = redirect;
    learned.push({ specialist: work.specialist, text: `A reviewer redirected "${work.instruction}" to ${target.specialist}` });
    const plan: PlanStep[] = state.plan.map((s) => (s.id === work.stepId ? { ...s, status: "redirected" } : s));
    plan.splice(state.cursor + 1, 0, {
      id: `${work.stepId}x`,
      specialist: target.specialist,
      instruction: target.instruction,
      status: "pending",
    });
    emit(config, "plan.proposed", { revision: state.planRevision, reason: "redirect", steps: plan });
    emit(config, "node.completed", {
      node: "specialist",
      specialist: work.specialist,
      stepId: work.stepId,
      redirectedTo: target.specialist,
    });
    // Only the reviewer's words: the step taken away is not to come back through the re-plan.
    const replan = `Redirected by a reviewer to ${target.specialist}: ${target.instruction}`;
    return {
      ...update,
      plan,
      replan,
      reports: [
        {
          specialist: work.specialist,
          specialistName: specialistOf(deps, work.specialist).name,
          instruction: work.instruction,
          summary: `Redirected to ${target.specialist} by a reviewer.`,
          actions: history,
          citations: [],
        },
      ],
    };
  };
}

/**
 * After the tools: to the supervisor when a reviewer redirected the step; to a reviewer again for
 * edits that raised the risk and effects whose back-end was unavailable; else back to the specialist.
 */
export function routeAfterTools(state: GuildStateType): "specialist.reason" | "supervisor.next" | Send[] {
  const current = state.plan[state.cursor];
  if (current?.status === "redirected") return "supervisor.next";
  const work = state.step!;
  if (work.pending.length > 0) {
    return work.pending.map(
      (call) =>
        new Send("approval.tool_call", { call, gate: work.gates![call.id], specialist: work.specialist, responses: work.responses }),
    );
  }
  return "specialist.reason";
}
