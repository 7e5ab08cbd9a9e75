import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { approvalId, type ApprovalRequest, type Decision } from "../approval/index.ts";
import { emit, runIdOf } from "../events.ts";
import { specialistOf, type GraphDeps } from "../deps.ts";
import { approvalTerms } from "../policy.ts";
import type { GuildStateType, GuildUpdate } from "../state.ts";

/** The request for the final answer's approval: deterministic per draft, so a re-run asks the same question. */
function answerRequest(deps: GraphDeps, runId: string, state: GuildStateType): ApprovalRequest {
  const { allowRespond, terms } = approvalTerms(deps.pack, "answer", state.answerFeedback.length, "the answer");
  const answer = state.result?.answer ?? "";
  return {
    action_request: { action: "answer", args: { answer, citations: state.result?.citations ?? [] } },
    config: { allow_accept: true, allow_edit: true, allow_respond: allowRespond, allow_ignore: true },
    description: `The supervisor's final answer (draft ${state.answerRevision + 1}) is ready to be released: ${answer.length > 160 ? `${answer.slice(0, 157)}...` : answer}`,
    guild: {
      approvalId: approvalId(runId, `answer:${state.answerRevision}`),
      kind: "answer",
      allowRedirect: true,
      reasons: ["the pack's policy asks a reviewer to approve every final answer"],
      ...terms,
    },
  };
}

/**
 * approval.answer: one interrupt, nothing before it. Approve releases the answer; edit releases
 * the reviewer's text; reject withholds it and says so; respond has the supervisor write it again;
 * redirect hands a further step to a specialist, after which the answer is written again.
 */
export function approveAnswerNode(deps: GraphDeps) {
  return (state: GuildStateType, config: LangGraphRunnableConfig): GuildUpdate => {
    const decision = interrupt<ApprovalRequest, Decision>(answerRequest(deps, runIdOf(config), state));
    const revision = state.answerRevision + 1;
    switch (decision.type) {
      case "approve":
        return { answerNext: "release" };
      case "edit": {
        const answer = String(decision.args.answer);
        return {
          answerNext: "release",
          result: { answer, citations: state.result?.citations ?? [] },
          learned: [{ specialist: "supervisor", text: `A reviewer rewrote the final answer for "${state.task}" before release` }],
        };
      }
      case "reject":
        return {
          answerNext: "release",
          result: {
            answer: `The drafted answer was rejected by a reviewer${decision.message ? `: "${decision.message}"` : ""}. It was not released.`,
            citations: [],
          },
        };
      case "respond":
        return {
          answerNext: "rewrite",
          answerRevision: revision,
          answerFeedback: [...state.answerFeedback, decision.message],
          learned: [{ specialist: "supervisor", text: `Reviewer feedback on a final answer: ${decision.message}` }],
        };
      case "redirect": {
        const specialist = specialistOf(deps, decision.specialist);
        const step = {
          id: `answer${revision}`,
          specialist: specialist.id,
          instruction: decision.message?.trim() || `Check the answer to: ${state.task}`,
          status: "pending" as const,
        };
        const plan = [...state.plan, step];
        emit(config, "plan.proposed", { revision: state.planRevision, reason: "redirect", steps: plan });
        return { answerNext: "step", answerRevision: revision, plan, cursor: state.plan.length, step: undefined };
      }
    }
  };
}

/** After the answer's approval: release it, write it again, or run the step a redirect added. */
export function afterAnswerApproval(state: GuildStateType): "memory.save" | "supervisor.answer" | "specialist.start" {
  return state.answerNext === "rewrite" ? "supervisor.answer" : state.answerNext === "step" ? "specialist.start" : "memory.save";
}

/** After the answer is written: to a reviewer when the pack's policy asks (not for a rejected plan's answer), else saved. */
export function routeAfterAnswer(deps: GraphDeps) {
  return (state: GuildStateType): "approval.answer" | "memory.save" =>
    deps.pack.policy.answerApproval && state.planRejected === undefined ? "approval.answer" : "memory.save";
}
